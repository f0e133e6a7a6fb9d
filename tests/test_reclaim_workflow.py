"""The reclaim procedure end to end: opened by the proof of use, hearing, four-eyes decision,
the notice issued and served, money received with interest, closed; the ledger reconciles
at every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from funding_support import act
from reclaim_support import heard, overpaid_reclaim, rates_file, reconciles  # noqa: F401
from sqlalchemy import select

from antrag.clock import frozen_at, now
from antrag.engine import timer
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.funding.models import BudgetEntry
from antrag.mail.models import OutboxMessage

BUDGET = Decimal("243000.00")
GRANT = Decimal("60750.00")
PAID = Decimal("30000.00")  # what overpaid_reclaim pays before the proof


def _kinds(reclaim) -> list[str]:
    rows = db.session.scalars(
        select(BudgetEntry.kind)
        .where(BudgetEntry.case_id == reclaim.case_id)
        .order_by(BudgetEntry.id)
    )
    return list(rows)


def test_the_accepted_proof_opens_a_reclaim_and_books_nothing_yet(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    assert reclaim.case.state == "opened"
    assert reclaim.amount == Decimal("5000.00") and reclaim.ground == "overpaid"
    assert reclaim.facts_known_on == now().astimezone(BERLIN).date()
    assert reclaim.notice.case.state == "closed"
    assert world.round.reclaimed == 0 and world.round.reclaim_due == 0
    # Closing the notice gave back what was never paid: the round bears what was paid.
    assert world.round.available == BUDGET - PAID
    reconciles(world.round)


@pytest.mark.usefixtures("rates_file")
def test_the_whole_procedure_books_due_then_received(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    assert reclaim.case.state == "heard" and reclaim.hearing_pdf_sha256
    reconciles(world.round)

    act(
        reclaim,
        "propose_decision",
        world.users.reviewer,
        comment="Die Mittel wurden nicht verwendet.",
    )
    assert reclaim.interest_from == reclaim.facts_known_on  # paid today: the default start
    reconciles(world.round)
    act(reclaim, "decide", world.users.reviewer2)
    db.session.expire_all()
    assert world.round.reclaim_due == Decimal("5000.00") and world.round.reclaimed == 0
    assert world.round.available == BUDGET - PAID  # decided, not received: not available
    reconciles(world.round)

    act(reclaim, "issue", world.users.reviewer)
    assert reclaim.case.state == "issued" and reclaim.pdf_sha256 and reclaim.made_known_on
    assert reclaim.payment_due_on > reclaim.made_known_on
    reconciles(world.round)

    later = now() + timedelta(days=30)
    with frozen_at(later):
        # 30 days at 2.00 + 5 = 7 %: 5,000 × 0.07 × 30 / 365 = 28.767… → 28.77 (if before July 2026)
        received_on = later.astimezone(BERLIN).date()
        total = Decimal("5000.00") + _expected_interest(reclaim, received_on)
        interest = _expected_interest(reclaim, received_on)
        assert total == Decimal("5000.00") + interest
        # A first instalment of 5,000.00 pays the interest first (§ 367 BGB), then principal.
        act(
            reclaim,
            "record_receipt",
            world.users.reviewer,
            inputs={"received_on": received_on, "received_amount": Decimal("5000.00")},
        )
        assert reclaim.case.state == "issued" and reclaim.case.due_at is not None
        assert reclaim.principal_received == Decimal("5000.00") - interest
        reconciles(world.round)
        with pytest.raises(GuardRefused, match="noch nicht vollständig bezahlt"):
            act(reclaim, "settle", world.users.reviewer)
        db.session.rollback()
        act(
            reclaim,
            "record_receipt",
            world.users.reviewer,
            inputs={"received_on": received_on, "received_amount": interest, "reference": "R2"},
        )
        reconciles(world.round)
        act(reclaim, "settle", world.users.reviewer)
    db.session.expire_all()
    assert reclaim.case.state == "closed"
    assert reclaim.interest_received == interest > 0
    assert reclaim.received_amount == total
    assert [r.reference for r in reclaim.receipts] == [None, "R2"]
    assert world.round.reclaim_due == 0 and world.round.reclaimed == Decimal("5000.00")
    assert world.round.available == BUDGET - PAID + Decimal("5000.00")
    assert _kinds(reclaim) == ["reclaim_due", "reclaim_received", "reclaim_received"]
    reconciles(world.round)
    mails = {m.template for m in db.session.scalars(select(OutboxMessage))}
    assert {
        "reclaim_hearing",
        "reclaim_answered",
        "reclaim_to_cosign",
        "reclaim_issued",
        "reclaim_received",
    } <= mails


def _expected_interest(reclaim, received_on) -> Decimal:
    """Work the interest out by hand from the test rates (2 % until June 2026, then 3 %)."""
    from datetime import date

    change = date(2026, 7, 1)
    start = reclaim.interest_from
    total = Decimal("0.00")
    day = start + timedelta(days=1)
    periods: dict[Decimal, int] = {}
    while day <= received_on:
        rate = Decimal("8") if day >= change else Decimal("7")
        key = (rate, day.year)
        periods[key] = periods.get(key, 0) + 1
        day += timedelta(days=1)
    for (rate, _year), days in periods.items():
        total += (Decimal("5000.00") * rate / 100 * days / 365).quantize(Decimal("0.01"))
    return total


def test_the_proposer_cannot_cosign_and_a_drop_needs_four_eyes_too(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    with pytest.raises(GuardRefused, match="Vier-Augen"):
        act(reclaim, "decide", world.users.reviewer)
    db.session.rollback()
    act(reclaim, "send_back", world.users.reviewer2, comment="Bitte Betrag prüfen.")
    act(reclaim, "propose_drop", world.users.reviewer2, comment="Stellungnahme überzeugt.")
    with pytest.raises(GuardRefused, match="Vier-Augen"):
        act(reclaim, "drop", world.users.reviewer2)
    db.session.rollback()
    act(reclaim, "drop", world.users.reviewer)
    assert reclaim.case.state == "dropped" and _kinds(reclaim) == []
    reconciles(world.round)


def test_the_decision_is_refused_once_the_one_year_period_has_run_out(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    reclaim.facts_known_on = now().astimezone(BERLIN).date() - timedelta(days=400)
    db.session.commit()
    with pytest.raises(GuardRefused, match="Jahresfrist für den Widerruf ist abgelaufen"):
        act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")


def test_the_amount_cannot_exceed_what_was_paid(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    with pytest.raises(GuardRefused, match="höchstens 30.000,00"):
        act(
            reclaim,
            "propose_decision",
            world.users.reviewer,
            comment="B.",
            inputs={"amount": Decimal("30000.01")},
        )


def test_the_hearing_deadline_runs_out_by_the_timer(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    with pytest.raises(GuardRefused, match="mindestens 14 Tage"):
        act(
            reclaim,
            "send_hearing",
            world.users.reviewer,
            inputs={"answer_deadline": reclaim.facts_known_on + timedelta(days=13)},
        )
    db.session.rollback()
    act(reclaim, "send_hearing", world.users.reviewer)
    deadline = reclaim.hearing_deadline
    assert (deadline - reclaim.facts_known_on).days == 28
    assert reclaim.case.due_at.astimezone(BERLIN).date() == deadline
    timer.tick(reclaim.case.due_at - timedelta(minutes=1))
    db.session.commit()
    assert reclaim.case.state == "hearing"
    timer.tick(reclaim.case.due_at + timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    assert reclaim.case.state == "hearing_ended" and reclaim.answer_text is None


def test_a_reviewer_opens_a_reclaim_for_a_purpose_not_met(make_application, world):
    from funding_support import final_notice, paid_call_off

    from antrag.engine.errors import InvalidInput
    from antrag.reclaim.operations import open_by_reviewer

    notice = final_notice(make_application, world)
    paid_call_off(notice, "20000.00", world)
    today = now().astimezone(BERLIN).date()
    with pytest.raises(InvalidInput) as refused:
        open_by_reviewer(world.users.reviewer, notice, Decimal("20000.01"), "", today)
    assert set(refused.value.errors) == {"amount", "reason"}
    db.session.rollback()
    reclaim = open_by_reviewer(
        world.users.reviewer, notice, Decimal("20000.00"), "Projekt 1 nicht umgesetzt.", today
    )
    db.session.commit()
    assert reclaim.ground == "purpose_not_met" and reclaim.case.state == "opened"
    with pytest.raises(InvalidInput):  # everything paid is claimed already
        open_by_reviewer(world.users.reviewer, notice, Decimal("0.01"), "Noch einmal.", today)


def _decided(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    act(reclaim, "decide", world.users.reviewer2)
    return reclaim


def test_an_annulled_reclaim_notice_takes_the_due_amount_off_the_books(make_application, world):
    reclaim = _decided(make_application, world)
    act(reclaim, "issue", world.users.reviewer)
    today = now().astimezone(BERLIN).date()
    act(
        reclaim,
        "record_action",
        world.users.reviewer,
        inputs={"action_filed_on": today, "court_file_number": "3 K 1/26.NW"},
    )
    assert reclaim.case.state == "contested"
    reconciles(world.round)
    act(reclaim, "annul", world.users.reviewer, comment="Aufgehoben.", inputs={"decided_on": today})
    db.session.expire_all()
    assert reclaim.case.state == "annulled" and world.round.reclaim_due == 0
    assert _kinds(reclaim) == ["reclaim_due", "reclaim_cancelled"]
    reconciles(world.round)


def test_retrieved_electronically_the_payment_deadline_runs_from_the_day_after(
    make_application, world
):
    from antrag.notices import consent

    world.users.speyer.may_represent = True
    world.users.speyer.represents_as = "Bürgermeisterin"
    consent.declare(world.users.speyer)
    db.session.commit()
    reclaim = _decided(make_application, world)
    act(reclaim, "issue_electronically", world.users.reviewer)
    assert reclaim.case.state == "provided" and reclaim.payment_due_on is None
    act(reclaim, "retrieve", world.users.speyer)
    assert reclaim.case.state == "issued"
    assert reclaim.made_known_on == now().astimezone(BERLIN).date() + timedelta(days=1)
    assert reclaim.payment_due_on > reclaim.made_known_on
    reconciles(world.round)
