"""The app under gunicorn for transition_throughput.py, plus one bench-only endpoint.

`POST /bench/bare/<case_id>` does the database writes of `start_review` without the
engine: the same bearer-token check as the API, a compare-and-set UPDATE of the case
(state, version, assignee, updated_at), a hash-chained history entry appended with the
engine's own `history.append`, one commit. It exists only in this factory, never in the
product. Run as `gunicorn 'bench.bench_app:create_bench_app()'` with BENCH_DATABASE_URL set.
"""

import os

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import update

from antrag import create_app
from antrag.api.tokens import authenticate
from antrag.db_types import utcnow
from antrag.engine import history
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import csrf, db

from .common import bench_config

bare = Blueprint("bench_bare", __name__, url_prefix="/bench")
csrf.exempt(bare)


@bare.post("/bare/<int:case_id>")
def bare_start_review(case_id: int):
    """Move a submitted case to in_review by hand: the engine's writes, none of its checks."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None or user.role != "reviewer":
        abort(401)
    version = int(request.get_json()["version"])
    now = utcnow()
    result = db.session.execute(
        update(Case)
        .where(Case.id == case_id, Case.state == "submitted", Case.version == version)
        .values(
            state="in_review",
            version=version + 1,
            updated_at=now,
            due_at=None,
            assignee_id=user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        abort(409)
    history.append(
        HistoryEntry(
            case_id=case_id,
            workflow="membership",
            workflow_version=1,
            trigger="start_review",
            from_state="submitted",
            to_state="in_review",
            actor_id=user.id,
            actor_name=user.display_name,
            actor_role=user.role,
            comment=None,
            inputs=history.canonical_inputs({}),
            created_at=now,
        )
    )
    db.session.commit()
    return jsonify(id=case_id, state="in_review", version=version + 1)


def create_bench_app():
    """Return the product app on BENCH_DATABASE_URL with the bare endpoint added."""
    app = create_app(bench_config(os.environ["BENCH_DATABASE_URL"]))
    app.config["TESTING"] = False  # behave like production: errors become responses
    app.register_blueprint(bare)
    return app
