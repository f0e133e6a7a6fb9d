"""The reclaim's payment phase (workflow reclaim v2): reminder, overdue, instalments, interest.

Receipts are allocated interest first (§ 367 Abs. 1 BGB); interest runs on the principal
still open; a receipt is never refused because a base rate is missing (the interest beyond
the known rates is provisional and the case cannot close until the rates are extended).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from funding_support import act
from reclaim_support import heard, overpaid_reclaim, rates_file, reconciles  # noqa: F401
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from antrag.clock import frozen_at, now
from antrag.engine import timer
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.funding.models import BudgetEntry
from antrag.law.interest import load_rates
from antrag.mail.models import OutboxMessage
from antrag.notices.service import end_of_day
from antrag.reclaim.models import Reclaim
from antrag.reclaim.receipts import statement

CENT = Decimal("0.01")
RATES_2026 = """known_until: {until}
rates:
  - {{from: 2020-01-01, rate: "2.00"}}
  - {{from: 2026-07-01, rate: "3.00"}}
"""


def _rates(tmp_path, until="2035-12-31"):
    path = tmp_path / f"rates-{until}.yaml"
    path.write_text(RATES_2026.format(until=until), encoding="utf-8")
    return path


def _i(amount: str, percent: int, days: int) -> Decimal:
    """Interest worked out by hand: amount × rate × days / 365, rounded to the cent."""
    return (Decimal(amount) * percent / 100 * days / 365).quantize(CENT)


def test_a_receipt_pays_interest_first_and_interest_runs_on_the_open_principal(tmp_path):
    rates = load_rates(_rates(tmp_path))
    # 10,000.00 from 1 Jan 2026; 2,000.00 received on 1 Mar (59 days at 7 %).
    result = statement(
        Decimal("10000.00"),
        date(2026, 1, 1),
        [(date(2026, 3, 1), Decimal("2000.00"))],
        date(2026, 7, 31),
        rates,
    )
    first = _i("10000.00", 7, 59)
    assert first == Decimal("113.15")
    [receipt] = result.allocations
    assert receipt.to_interest == first
    assert receipt.to_principal == Decimal("2000.00") - first
    open_principal = Decimal("10000.00") - (Decimal("2000.00") - first)
    assert result.principal_open == open_principal == Decimal("8113.15")
    # Then 2 Mar – 30 Jun (121 days at 7 %) and 1 – 31 Jul (31 days at 8 %) on 8,113.15.
    running = _i("8113.15", 7, 121) + _i("8113.15", 8, 31)
    assert result.interest_open == running
    assert result.interest_total == first + running
    assert result.open == open_principal + running and not result.provisional


def test_the_order_of_allocation_is_configurable(tmp_path):
    rates = load_rates(_rates(tmp_path))
    result = statement(
        Decimal("10000.00"),
        date(2026, 1, 1),
        [(date(2026, 3, 1), Decimal("2000.00"))],
        date(2026, 3, 1),
        rates,
        order="costs,principal,interest",
    )
    [receipt] = result.allocations
    assert receipt.to_principal == Decimal("2000.00") and receipt.to_interest == 0
    assert result.interest_open == Decimal("113.15")


def test_interest_beyond_the_known_rates_is_provisional_and_an_excess_is_kept_apart(tmp_path):
    rates = load_rates(_rates(tmp_path, until="2026-06-30"))
    result = statement(
        Decimal("1000.00"),
        date(2026, 6, 1),
        [(date(2026, 8, 1), Decimal("2000.00"))],
        date(2026, 8, 1),
        rates,
    )
    assert result.provisional and result.provisional_from == date(2026, 7, 1)
    assert not result.settled and result.excess > 0 and result.principal_open == 0


def _final(make_application, world):
    """A reclaim of 5,000.00 decided, issued by post and final by the city's waiver."""
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    act(reclaim, "decide", world.users.reviewer2)
    act(reclaim, "issue", world.users.reviewer)
    act(reclaim, "waive_appeal", world.users.speyer)
    return reclaim


def _templates() -> list[str]:
    return [
        m.template for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def _receipt(reclaim, trigger, day, amount, **more):
    inputs = {"received_on": day, "received_amount": Decimal(amount)} | more
    return act(reclaim, trigger, world_reviewer(reclaim), inputs=inputs)


def world_reviewer(reclaim):
    from antrag.accounts.models import User

    return db.session.scalar(select(User).filter_by(role="reviewer").order_by(User.id))


@pytest.mark.usefixtures("rates_file")
def test_the_city_is_reminded_and_the_case_is_overdue_when_the_deadline_passes(
    make_application, world
):
    reclaim = _final(make_application, world)
    assert reclaim.case.workflow_version == 2 and reclaim.case.state == "final"
    due = reclaim.payment_due_on
    assert reclaim.case.due_at == end_of_day(due)
    timer.tick(end_of_day(due) - timedelta(days=2))
    db.session.commit()
    assert _templates().count("reclaim_payment_reminder") == 1
    timer.tick(end_of_day(due) - timedelta(days=1))  # the reminder is written once
    db.session.commit()
    assert _templates().count("reclaim_payment_reminder") == 1 and reclaim.case.state == "final"

    timer.tick(end_of_day(due) + timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    assert reclaim.case.state == "overdue"
    assert _templates().count("reclaim_overdue") == 3  # both reviewers and the city
    reconciles(world.round)
    assert world.round.reclaim_due == Decimal("5000.00")

    # Interest keeps running: paid 40 days after the deadline, with the interest to that day.
    later = end_of_day(due) + timedelta(days=40)
    with frozen_at(later):
        day = later.astimezone(BERLIN).date()
        db.session.expire_all()
        from antrag.reclaim import operations as ops

        owed = ops.reclaim_statement(reclaim, day)
        assert owed.interest_open > 0 and owed.principal_open == Decimal("5000.00")
        _receipt(reclaim, "record_receipt_overdue", day, "1000.00", reference="Rate 1")
        assert reclaim.case.state == "overdue"
        reconciles(world.round)
        with pytest.raises(GuardRefused, match="übersteigt"):
            _receipt(reclaim, "record_receipt_overdue", day, str(owed.open))
        db.session.rollback()
        rest = ops.reclaim_statement(reclaim, day).open
        assert rest == owed.open - Decimal("1000.00")
        _receipt(reclaim, "record_receipt_overdue", day, str(rest))
        act(reclaim, "settle", world.users.reviewer)
    db.session.expire_all()
    assert reclaim.case.state == "closed"
    assert reclaim.received_amount == owed.open == reclaim.amount + reclaim.interest_received
    assert world.round.reclaim_due == 0 and world.round.reclaimed == Decimal("5000.00")
    kinds = db.session.scalars(
        select(BudgetEntry.kind).where(BudgetEntry.case_id == reclaim.case_id)
    ).all()
    assert kinds == ["reclaim_due", "reclaim_received", "reclaim_received"]
    reconciles(world.round)


def test_a_receipt_beyond_the_known_rates_is_recorded_and_the_case_waits_for_the_rates(
    app, make_application, world, tmp_path, make_web
):
    app.config["RECLAIM_BASE_RATES_FILE"] = str(_rates(tmp_path, until="2020-12-31"))
    reclaim = _final(make_application, world)
    later = now() + timedelta(days=10)
    with frozen_at(later):
        day = later.astimezone(BERLIN).date()
        _receipt(reclaim, "record_receipt_final", day, "9999.99")  # more than owed: kept
        receipt = reclaim.receipts[0]
        assert receipt.provisional and reclaim.principal_received == Decimal("5000.00")
        reconciles(world.round)
        page = make_web(world.users.reviewer).get(f"/rueckforderungen/{reclaim.id}")
        html = page.get_data(as_text=True)
        assert "Zahlungseingänge" in html and "9.999,99" in html
        first = (reclaim.interest_from + timedelta(days=1)).strftime("%d.%m.%Y")
        assert f"Vorläufig: Der Basiszinssatz ab {first} ist noch nicht hinterlegt" in html
        assert "Überzahlung" in html  # flagged, to be paid back once the rates are known
        with pytest.raises(GuardRefused, match="vorläufig.*noch nicht hinterlegt"):
            act(reclaim, "settle", world.users.reviewer)
        db.session.rollback()
        app.config["RECLAIM_BASE_RATES_FILE"] = str(_rates(tmp_path))  # the rates are extended
        act(reclaim, "settle", world.users.reviewer)
    assert reclaim.case.state == "closed"
    reconciles(world.round)


def test_the_database_refuses_more_principal_received_than_the_amount(make_application, world):
    reclaim = _final(make_application, world)
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Reclaim).where(Reclaim.id == reclaim.id).values(principal_received=5000.01)
        )
        db.session.flush()
    db.session.rollback()
