"""Real parallel requests against gunicorn: four eyes, double clicks, budget, stale forms."""

from decimal import Decimal

import pytest
from funding_support import notice_of
from sqlalchemy import delete, select, update

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
    history_of,
    login_all,
    race,
    statuses,
)

pytestmark = pytest.mark.concurrency

STALE = "Der Vorgang wurde inzwischen von jemand anderem geändert."
AMOUNT = Decimal("60750.00")


def test_twenty_reviewers_co_sign_at_once_one_wins(gunicorn, make_application, database_uri):
    application = make_application("proposed_approval")
    case_id = application.case_id
    reviewers = add_reviewers(20)
    server = gunicorn()
    page = f"/antraege/{application.id}"
    browsers = login_all(server.url, reviewers)
    # Everyone has the page open at the same version (one of them loads it for real).
    form = {"trigger": "approve", "version": str(browsers[0].version_on(page))}

    results = race([lambda b=b: b.post(page + "/aktion", form) for b in browsers])

    assert statuses(results) == [302] + [409] * 19, explain(results, server)
    assert all('id="conflict"' in r.text for r in results if r.status_code == 409)
    fresh()
    approvals = [e for e in history_of(case_id) if e.trigger == "approve"]
    assert len(approvals) == 1
    assert application.case.state == "approved"
    assert_consistent(database_uri)


DOUBLE_CLICK = 0.010  # seconds between the two posts of a double click
ATTEMPTS = 5


def test_double_click_fires_once(gunicorn, world, database_uri):
    # One submitted case per attempt: an attempt whose two posts left further apart than a
    # double click (a descheduled thread on a busy machine) is repeated on the next case.
    cases = [drive_application(world, c, a, "submitted") for c, a in add_cities(world, ATTEMPTS)]
    server = gunicorn()
    (first,) = login_all(server.url, [world.users.reviewer])
    second = type(first)(server.url)  # a second connection of the same browser session
    second.http.cookies.update(first.http.cookies)
    second.token = first.token
    gaps = []
    for application in cases:
        page = f"/antraege/{application.id}"
        form = {"trigger": "start_review", "version": str(first.version_on(page))}
        starts = []

        posts = [lambda b=b, p=page, f=form: b.post(p + "/aktion", f) for b in (first, second)]
        results = race(posts, starts)

        assert statuses(results) == [302, 409], explain(results, server)
        fresh()
        triggers = [e.trigger for e in history_of(application.case_id)]
        assert triggers == ["start", "submit", "start_review"]
        assert application.case.state == "in_review"
        gaps.append(max(starts) - min(starts))
        if gaps[-1] <= DOUBLE_CLICK:
            break
    assert min(gaps) <= DOUBLE_CLICK, f"no two posts within 10 ms: {gaps}"
    assert_consistent(database_uri)


def test_budget_for_three_unreserved_notices_twenty_issued_at_once(gunicorn, world, database_uri):
    cities = add_cities(world, 20)
    world.round.budget = AMOUNT * 20  # enough to approve all twenty
    applications = [drive_application(world, c, a, "approved") for c, a in cities]
    notices = [notice_of(a) for a in applications]
    assert {n.case.state for n in notices} == {"drafted"}
    # As notices approved before approvals reserved (migration 0008 reserves only what fits):
    # no reservations, and a budget for three of them.
    db.session.execute(delete(BudgetEntry).where(BudgetEntry.kind == "reservation"))
    db.session.execute(
        update(Round).where(Round.id == world.round.id).values(budget=AMOUNT * 3, reserved=0)
    )
    signers = add_reviewers(20, can_sign=True, prefix="zeichnung")
    server = gunicorn()
    browsers = login_all(server.url, signers)
    # Every signer has the page of "their" notice open (one of them loads it for real).
    versions = {n.id: n.case.version for n in notices}
    assert browsers[0].version_on(f"/bescheide/{notices[0].id}") == versions[notices[0].id]
    forms = [
        (f"/bescheide/{n.id}", {"trigger": "issue", "version": str(versions[n.id])})
        for n in notices
    ]

    results = race(
        [
            lambda b=b, f=f: b.post(f[0] + "/aktion", f[1])
            for b, f in zip(browsers, forms, strict=True)
        ]
    )

    assert statuses(results) == [302] * 3 + [422] * 17, explain(results, server)
    fresh()
    rnd = db.session.get(Round, world.round.id)
    assert rnd.committed == Decimal("182250.00")
    assert rnd.committed <= rnd.budget
    states = [n.case.state for n in db.session.scalars(select(FundingNotice))]
    assert states.count("issued") == 3
    assert states.count("drafted") == 17
    assert reconcile(rnd) == [
        "Die noch nicht erlassenen Bescheide ergeben 1.032.750,00\xa0€, "
        "die Vormerkungen im Haushalt 0,00\xa0€."
    ]
    assert_consistent(database_uri)


def test_approve_and_withdraw_at_once_one_wins(gunicorn, make_application, world, database_uri):
    applications = [
        make_application("proposed_approval", municipality=m)
        for m in (world.speyer, world.andernach)
    ]
    server = gunicorn()
    reviewer, speyer, andernach = login_all(
        server.url, [world.users.reviewer2, world.users.speyer, world.users.andernach]
    )
    for application, city in zip(applications, (speyer, andernach), strict=True):
        page = f"/antraege/{application.id}"
        version = str(reviewer.version_on(page))
        city.get(page)
        results = race(
            [
                lambda page=page, v=version: reviewer.post(
                    page + "/aktion", {"trigger": "approve", "version": v}
                ),
                lambda page=page, v=version, c=city: c.post(
                    page + "/aktion", {"trigger": "withdraw", "version": v}
                ),
            ]
        )
        assert statuses(results) == [302, 409], explain(results, server)
        winner = "approve" if results[0].status_code == 302 else "withdraw"
        fresh()
        entries = history_of(application.case_id)
        assert application.case.state == entries[-1].to_state
        assert application.case.state == {"approve": "approved", "withdraw": "withdrawn"}[winner]
        triggers = [e.trigger for e in entries]
        assert triggers[-1] == winner
        assert triggers.count("approve") + triggers.count("withdraw") == 1
    assert_consistent(database_uri)


def test_stale_form_gets_409_and_overwrites_nothing(
    gunicorn, make_application, world, database_uri
):
    application = make_application("proposed_approval")
    third = add_reviewers(1)[0]
    server = gunicorn()
    page = f"/antraege/{application.id}"
    slow, quick = login_all(server.url, [world.users.reviewer2, third])
    seen = slow.version_on(page)
    response = quick.post(
        page + "/aktion",
        {
            "trigger": "send_back",
            "version": str(quick.version_on(page)),
            "comment": "Bitte prüfen.",
        },
    )
    assert response.status_code == 302

    response = slow.post(page + "/aktion", {"trigger": "approve", "version": str(seen)})

    assert response.status_code == 409
    assert STALE in response.text
    fresh()
    entries = history_of(application.case_id)
    assert entries[-1].trigger == "send_back"
    assert application.case.state == "in_review"
    assert application.case.version == seen + 1
    assert_consistent(database_uri)
