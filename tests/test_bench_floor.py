"""The bench-only floor endpoint (bench/bench_app.py) writes a sound chain entry (issue 14).

It is the lower bound the transition benchmark compares `start_review` with; it must do the
peer's work correctly or the comparison means nothing.
"""

import pytest
from api_support import token_for

from antrag.engine import history
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from bench.bench_app import _BenchRequests, bare


@pytest.fixture
def floor_client(app):
    app.register_blueprint(bare)
    return app.test_client()


def test_the_floor_moves_a_submitted_case_with_a_chained_entry(
    floor_client, make_application, world
):
    application = make_application("submitted")
    case_id, version = application.case_id, application.case.version
    token = token_for(world.users.reviewer, "floor")

    response = floor_client.post(
        f"/bench/floor/{case_id}",
        json={"version": version},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"state": "in_review", "version": version + 1}
    db.session.expire_all()
    assert application.case.state == "in_review"
    newest = db.session.scalars(
        db.select(HistoryEntry).filter_by(case_id=case_id).order_by(HistoryEntry.seq.desc())
    ).first()
    assert newest.trigger == "start_review" and newest.actor_id == world.users.reviewer.id
    checked, broken = history.verify()
    assert broken is None and checked > 0  # every chain, this entry's too, still holds


def test_the_floor_refuses_a_stale_version_and_an_unknown_token(
    floor_client, make_application, world
):
    application = make_application("submitted")
    token = token_for(world.users.reviewer, "floor")
    stale = floor_client.post(
        f"/bench/floor/{application.case_id}",
        json={"version": application.case.version + 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    unknown = floor_client.post(
        f"/bench/floor/{application.case_id}",
        json={"version": application.case.version},
        headers={"Authorization": "Bearer antrag_nope"},
    )
    assert (stale.status_code, unknown.status_code) == (409, 401)


def test_with_bench_floor_the_api_path_of_a_transition_is_the_floors(
    app, floor_client, make_application, world
):
    """BENCH_FLOOR=1 lets the peer's script measure the floor with the peer's own client."""
    application = make_application("submitted")
    case_id, version = application.case_id, application.case.version
    token = token_for(world.users.reviewer, "floor")
    app.wsgi_app = _BenchRequests(app.wsgi_app, floor=True)

    response = floor_client.post(
        f"/api/v1/applications/{case_id}/transitions",  # the bench seeds shared ids
        json={"trigger": "start_review", "version": version, "comment": "Passt."},
        headers={"Authorization": f"Bearer {token}"},
    )
    other = floor_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.get_json() == {"state": "in_review", "version": version + 1}
    newest = db.session.scalars(
        db.select(HistoryEntry).filter_by(case_id=case_id).order_by(HistoryEntry.seq.desc())
    ).first()
    assert (newest.trigger, newest.comment) == ("start_review", "Passt.")
    assert other.status_code == 200 and "in_review" not in other.get_data(as_text=True)


def test_with_bench_prefer_minimal_every_transition_gets_the_minimal_answer(
    app, client, make_application, world
):
    application = make_application("submitted")
    token = token_for(world.users.reviewer, "bench")
    app.wsgi_app = _BenchRequests(app.wsgi_app, minimal=True)

    response = client.post(
        f"/api/v1/applications/{application.id}/transitions",
        json={"trigger": "start_review", "version": application.case.version},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.headers["Preference-Applied"] == "return=minimal"
    assert set(response.get_json()) == {"id", "state", "version", "links"}
