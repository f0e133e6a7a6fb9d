"""Two receipts on the same reclaim recorded at once: the compare-and-set on the reclaim's case
lets one through and answers the other with 409; the guarded UPDATE of the principal received
and its CHECK keep the money right; the ledger reconciles."""

from decimal import Decimal

import pytest
from funding_support import act
from reclaim_support import heard, overpaid_reclaim

from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.funding.ledger import reconcile

from .conftest import assert_consistent, explain, fresh, login_all, race, statuses

pytestmark = pytest.mark.concurrency


def test_two_receipts_recorded_at_once_one_is_booked(
    gunicorn, make_application, world, database_uri
):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    act(reclaim, "decide", world.users.reviewer2)
    act(reclaim, "issue", world.users.reviewer)
    act(reclaim, "waive_appeal", world.users.speyer)
    server = gunicorn()
    page = f"/rueckforderungen/{reclaim.id}"
    browsers = login_all(server.url, [world.users.reviewer, world.users.reviewer2])
    version = browsers[0].version_on(page)
    browsers[1].get(page)
    today = now().astimezone(BERLIN).date().isoformat()

    def record(browser, amount):
        return browser.post(
            page + "/aktion",
            {
                "trigger": "record_receipt_final",
                "version": str(version),
                "input_received_on": today,
                "input_received_amount": amount,
            },
        )

    results = race(
        [lambda: record(browsers[0], "3.000,00"), lambda: record(browsers[1], "3.000,00")]
    )

    assert statuses(results) == [302, 409], explain(results, server)
    fresh()
    assert [r.amount for r in reclaim.receipts] == [Decimal("3000.00")]
    assert reclaim.principal_received == Decimal("3000.00")  # paid on the day: no interest yet
    assert world.round.reclaim_due == Decimal("2000.00")
    assert world.round.reclaimed == Decimal("3000.00")
    assert reconcile(world.round) == []
    assert_consistent(database_uri)
