"""The app under gunicorn for transition_throughput.py, plus one bench-only endpoint.

`POST /bench/bare/<case_id>` does the database writes of `start_review` without the
engine: the same bearer-token check as the API, a compare-and-set UPDATE of the case
(state, version, assignee, updated_at), a hash-chained history entry appended with the
engine's own `history.append`, one commit. It exists only in this factory, never in the
product. Run as `gunicorn 'bench.bench_app:create_bench_app()'` with BENCH_DATABASE_URL set.

`POST /bench/floor/<case_id>` does the Django peer's work of one transition (issue 14) with
this app's stack at its leanest: the token and its user's columns, the case's state, version
and chain head, the compare-and-set UPDATE, a hash-chained history entry written with the
engine's `history.link` and `inserts.insert_now`, one commit, `{"state", "version"}` back.
Statements are built once, no ORM entity is loaded. It is the lower bound of what a
transition costs with Flask and SQLAlchemy here (`bench/cpu_per_transition.py --floor`).

With `BENCH_FLOOR=1` in the environment, the API's transitions path of an application
(`POST /api/v1/applications/<id>/transitions`) is served by the floor instead of the engine,
so that the peer's own script measures the floor under gunicorn with its own client:
`BENCH_FLOOR=1 ./side_by_side.sh CLONE 3` (one `start_review` per application only; case
and application share their id in the bench's seed). It is the ceiling of what any
transition of this stack can reach against the peer (bench/README.md, "Eighth round").

With `BENCH_PREFER_MINIMAL=1` every request carries `Prefer: return=minimal`, so that the
peer's script measures the engine's transitions with the minimal answer (antrag/api/prefer.py)
against the peer's, which answers with state and version only too.
"""

import functools
import hashlib
import os
import re

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import bindparam, select, update

from antrag import create_app
from antrag.accounts.models import User
from antrag.api.models import ApiToken
from antrag.api.tokens import authenticate
from antrag.db_types import utcnow
from antrag.engine import history, inserts
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
    history.append(_review_entry(case_id, user.id, user.display_name, user.role, now))
    db.session.commit()
    return jsonify(id=case_id, state="in_review", version=version + 1)


def _review_entry(case_id: int, actor_id: int, actor_name: str, actor_role: str, now, comment=None):
    """The history entry of a bench `start_review` (chained by the caller)."""
    return HistoryEntry(
        case_id=case_id,
        workflow="membership",
        workflow_version=1,
        trigger="start_review",
        from_state="submitted",
        to_state="in_review",
        actor_id=actor_id,
        actor_name=actor_name,
        actor_role=actor_role,
        comment=comment,
        inputs=history.canonical_inputs({}),
        created_at=now,
    )


@functools.cache
def _floor_statements():
    case = Case.__table__
    token = (
        select(User.id, User.name, User.role, User.active, ApiToken.revoked_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("digest"))
    )
    head = select(case.c.state, case.c.version, case.c.chain_hash).where(
        case.c.id == bindparam("case_id")
    )
    move = (
        update(case)
        .where(
            case.c.id == bindparam("case_id"),
            case.c.state == "submitted",
            case.c.version == bindparam("old_version"),
            case.c.chain_hash.is_not_distinct_from(bindparam("old_chain_hash")),
        )
        .values(
            state="in_review",
            version=bindparam("new_version"),
            updated_at=bindparam("now"),
            assignee_id=bindparam("actor_id"),
        )
    )
    return token, head, move


@bare.post("/floor/<int:case_id>")
def floor_start_review(case_id: int):
    """The peer's work of one transition, with statements built once and no ORM entity."""
    token, head, move = _floor_statements()
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    digest = hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()
    user = db.session.execute(token, {"digest": digest}).first()
    if user is None or not user.active or user.revoked_at is not None or user.role != "reviewer":
        abort(401)
    body = request.get_json()
    version = int(body["version"])
    connection = db.session.connection()
    case = connection.execute(head, {"case_id": case_id}).first()
    if case is None or case.state != "submitted" or case.version != version:
        abort(409)
    now = utcnow()
    moved = connection.execute(
        move,
        {
            "case_id": case_id,
            "old_version": version,
            "old_chain_hash": case.chain_hash,
            "new_version": version + 1,
            "now": now,
            "actor_id": user.id,
        },
    )
    if moved.rowcount != 1:
        abort(409)
    entry = _review_entry(case_id, user.id, user.name, user.role, now, body.get("comment"))
    inserts.insert_now(history.link(entry, case.chain_hash))
    db.session.commit()
    return jsonify(state="in_review", version=version + 1)


_API_TRANSITIONS = re.compile(r"/api/v1/applications/(\d+)/transitions")


class _BenchRequests:
    """WSGI middleware of the bench switches (bench only, see the module's docstring).

    `floor`: an application's API transitions path goes to the floor; `minimal`: every
    request prefers the minimal answer.
    """

    def __init__(self, wsgi_app, *, floor: bool = False, minimal: bool = False):
        self.wsgi_app, self.floor, self.minimal = wsgi_app, floor, minimal

    def __call__(self, environ, start_response):
        found = self.floor and _API_TRANSITIONS.fullmatch(environ.get("PATH_INFO", ""))
        if found:
            environ["PATH_INFO"] = f"/bench/floor/{found[1]}"
        if self.minimal:
            environ["HTTP_PREFER"] = "return=minimal"
        return self.wsgi_app(environ, start_response)


def create_bench_app():
    """Return the product app on BENCH_DATABASE_URL with the bench endpoints added.

    With BENCH_FLOOR=1 the API's transitions path of an application is the floor's; with
    BENCH_PREFER_MINIMAL=1 every request prefers the minimal answer.
    """
    app = create_app(bench_config(os.environ["BENCH_DATABASE_URL"]))
    app.config["TESTING"] = False  # behave like production: errors become responses
    app.register_blueprint(bare)
    floor = os.environ.get("BENCH_FLOOR") == "1"
    minimal = os.environ.get("BENCH_PREFER_MINIMAL") == "1"
    if floor or minimal:
        app.wsgi_app = _BenchRequests(app.wsgi_app, floor=floor, minimal=minimal)
    return app
