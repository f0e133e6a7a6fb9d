"""Two confirmations of the same payment at once, by hand or by importing the treasury's
camt.054 file twice: the payment is booked once (compare-and-set on the call-off's case, the
guarded UPDATE of the order), the ledger reconciles."""

from decimal import Decimal

import pytest
from funding_support import final_notice, ordered_call_off
from payments_support import camt054
from sqlalchemy import select

from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.funding.ledger import reconcile
from antrag.funding.models import BudgetEntry

from .conftest import assert_consistent, explain, fresh, login_all, race, statuses

pytestmark = pytest.mark.concurrency


def _payments() -> list[BudgetEntry]:
    return db.session.scalars(select(BudgetEntry).filter_by(kind="payment")).all()


def test_two_reviewers_confirm_the_same_payment_at_once_one_books(
    gunicorn, make_application, world, database_uri
):
    call_off = ordered_call_off(final_notice(make_application, world), "30000.00", world)
    server = gunicorn()
    page = f"/bescheide/abrufe/{call_off.id}"
    browsers = login_all(server.url, [world.users.reviewer, world.users.reviewer2])
    today = now().astimezone(BERLIN).date().isoformat()
    form = {
        "trigger": "confirm_payment",
        "version": str(browsers[0].version_on(page)),
        "input_value_date": today,
    }
    browsers[1].get(page)

    results = race([lambda b=b: b.post(page + "/aktion", form) for b in browsers])

    assert statuses(results) == [302, 409], explain(results, server)
    fresh()
    assert call_off.case.state == "paid" and len(_payments()) == 1
    assert world.round.paid == Decimal("30000.00") and world.round.ordered == 0
    assert reconcile(world.round) == []
    assert_consistent(database_uri)


def test_the_same_confirmation_file_imported_twice_at_once_books_once(
    gunicorn, make_application, world, database_uri
):
    notice = final_notice(make_application, world)
    orders = [ordered_call_off(notice, a, world).payment_order for a in ("30000.00", "5000.00")]
    day = now().astimezone(BERLIN).date()
    data = camt054([(o.number, str(o.amount), day) for o in orders])
    server = gunicorn()
    browsers = login_all(server.url, [world.users.reviewer, world.users.reviewer2])
    for browser in browsers:
        browser.get("/zahlungen/")

    def upload(browser):
        return browser.http.post(
            server.url + "/zahlungen/bestaetigungen",
            data={"csrf_token": browser.token},
            files={"document": ("camt054.xml", data, "application/xml")},
            allow_redirects=False,
            timeout=30,
        )

    results = race([lambda b=b: upload(b) for b in browsers])

    assert all(getattr(r, "status_code", None) in (200, 409) for r in results), explain(
        results, server
    )
    fresh()
    assert len(_payments()) == 2
    assert world.round.paid == Decimal("35000.00") and world.round.ordered == 0
    assert reconcile(world.round) == []
    assert_consistent(database_uri)
