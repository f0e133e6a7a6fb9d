"""Claims raced against gunicorn: of ten clerks claiming one task at once, one holds it."""

import pytest
from sqlalchemy import select

from antrag.extensions import db
from antrag.inbox.models import TaskClaim, TaskClaimEvent

from .conftest import add_reviewers, explain, fresh, login_all, race, statuses

pytestmark = pytest.mark.concurrency


def test_ten_reviewers_claim_one_task_at_once_one_holds_it(gunicorn, make_application):
    case_id = make_application("submitted").case_id
    reviewers = add_reviewers(10)
    ids = {r.email: r.id for r in reviewers}
    server = gunicorn()
    browsers = login_all(server.url, reviewers)
    path = f"/eingang/aufgaben/{case_id}/uebernehmen"

    results = race([lambda b=b: b.post(path, {}) for b in browsers])

    assert statuses(results) == [302] + [409] * 9, explain(results, server)
    fresh()
    (claim,) = db.session.scalars(select(TaskClaim).where(TaskClaim.case_id == case_id))
    assert claim.holder_id in ids.values()
    events = db.session.scalars(
        select(TaskClaimEvent).where(TaskClaimEvent.case_id == case_id)
    ).all()
    assert [(e.action, e.holder_id) for e in events] == [("claim", claim.holder_id)]
