"""Real parallel requests against gunicorn: one application per city and round."""

import pytest
import requests
from api_support import token_for
from gunicorn_support import Browser
from sqlalchemy import select

from antrag.applications.models import Application
from antrag.extensions import db

from .conftest import (
    assert_consistent,
    explain,
    fresh,
    login_all,
    race,
    statuses,
)

pytestmark = pytest.mark.concurrency

CLICKS = 5


def applications_of(municipality) -> list[Application]:
    return db.session.scalars(
        select(Application).where(Application.municipality_id == municipality.id)
    ).all()


def same_session(browser: Browser) -> Browser:
    """Return another connection of the same browser session (a second click's request)."""
    other = Browser(browser.url)
    other.http.cookies.update(browser.http.cookies)
    other.token = browser.token
    return other


def test_five_parallel_creates_give_one_application(gunicorn, world, database_uri):
    secret = token_for(world.users.andernach)
    server = gunicorn()
    (first,) = login_all(server.url, [world.users.speyer])
    clicks = [first] + [same_session(first) for _ in range(CLICKS - 1)]
    form = {"round_id": str(world.round.id)}
    body = {"round_id": world.round.id}
    api = f"{server.url}/api/v1/applications"
    headers = {"Authorization": f"Bearer {secret}"}

    # Speyer clicks "Antrag anlegen" five times at once; Andernach's client posts five times.
    results = race(
        [lambda b=b: b.post("/antraege/neu", form) for b in clicks]
        + [lambda: requests.post(api, json=body, headers=headers, timeout=30)] * CLICKS
    )

    pages, calls = results[:CLICKS], results[CLICKS:]
    assert statuses(pages) == [302] * CLICKS, explain(results, server)
    assert statuses(calls) == [201] + [409] * 4, explain(results, server)
    fresh()
    (speyer,) = applications_of(world.speyer)
    (andernach,) = applications_of(world.andernach)
    locations = sorted(r.headers["Location"] for r in pages)
    assert locations == [f"/antraege/{speyer.id}"] * 4 + [f"/antraege/{speyer.id}/bearbeiten"]
    for conflict in (r for r in calls if r.status_code == 409):
        assert conflict.headers["Content-Type"] == "application/problem+json"
        assert conflict.json()["existing"] == f"/api/v1/applications/{andernach.id}"
    assert {speyer.holds_round_slot, andernach.holds_round_slot} == {True}
    assert_consistent(database_uri)
