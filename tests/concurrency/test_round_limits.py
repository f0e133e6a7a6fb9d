"""Real parallel requests against gunicorn: one application per city and round, budget limits."""

from decimal import Decimal

import pytest
import requests
from api_support import token_for
from gunicorn_support import Browser
from sqlalchemy import func, select

from antrag.applications.models import Application
from antrag.extensions import db
from antrag.funding.ledger import reconcile
from antrag.funding.models import BudgetEntry, FundingNotice
from antrag.programme.models import Round

from .conftest import (
    add_cities,
    add_reviewers,
    assert_consistent,
    drive_application,
    explain,
    fresh,
    login_all,
    race,
    statuses,
)

pytestmark = pytest.mark.concurrency

AMOUNT = Decimal("60750.00")
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
    for click in clicks:
        # Five tabs, each showing the form: five one-time tokens, so that only the database
        # can stop the second application (a token sent twice is test_once_races' case).
        click.get("/antraege/")
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


def test_six_co_signs_with_room_for_two_approve_two(gunicorn, world, database_uri):
    db.session.get(Round, world.round.id).budget = AMOUNT * 2
    cities = add_cities(world, 6)
    applications = [drive_application(world, c, a, "proposed_approval") for c, a in cities]
    reviewers = add_reviewers(6)
    server = gunicorn()
    browsers = login_all(server.url, reviewers)
    pages = [f"/antraege/{a.id}" for a in applications]
    forms = [{"trigger": "approve", "version": str(a.case.version)} for a in applications]
    assert browsers[0].version_on(pages[0]) == applications[0].case.version

    results = race(
        [
            lambda b=b, p=p, f=f: b.post(p + "/aktion", f)
            for b, p, f in zip(browsers, pages, forms, strict=True)
        ]
    )

    assert statuses(results) == [302] * 2 + [422] * 4, explain(results, server)
    refused = [r.text for r in results if r.status_code == 422]
    assert all("Das Budget der Runde reicht für diesen Antrag nicht mehr aus" in t for t in refused)
    fresh()
    states = sorted(a.case.state for a in applications)
    assert states == ["approved"] * 2 + ["proposed_approval"] * 4
    rnd = db.session.get(Round, world.round.id)
    assert (rnd.reserved, rnd.committed, rnd.available) == (AMOUNT * 2, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(FundingNotice)) == 2
    reserved = db.session.scalars(
        select(BudgetEntry.amount).where(BudgetEntry.kind == "reservation")
    )
    assert list(reserved) == [AMOUNT, AMOUNT]
    assert reconcile(rnd) == []
    assert_consistent(database_uri)
