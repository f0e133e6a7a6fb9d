"""No leak: no call-off is requested, checked or released once the proof of use is submitted,
while an action is pending, or after the notice is closed; pending call-offs are frozen."""

from decimal import Decimal

import pytest
from funding_support import accept_proof, act, final_notice, paid_call_off, proof_of, report_proof
from sqlalchemy import select

from antrag.engine.errors import EngineError, GuardRefused, WrongState
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry
from antrag.funding.operations import request_call_off
from antrag.funding.rules import paid
from antrag.mail.models import OutboxMessage
from antrag.payments.models import PaymentOrder


def _submit_proof(notice, world, spent: str):
    proof = proof_of(notice)
    report_proof(proof, world, spent)  # the report, the expenditure and its receipt
    act(proof, "submit", world.users.speyer)
    return proof


def _call_off(notice, world, amount: str):
    call_off = request_call_off(world.users.speyer, notice, Decimal(amount), None)
    db.session.commit()
    return call_off


def test_the_leak_a_call_off_pending_at_acceptance_is_never_paid(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "10000.00", world)
    pending = _call_off(notice, world, "10000.00")
    proof = _submit_proof(notice, world, "10000.00")
    accept_proof(proof, world)
    db.session.expire_all()
    assert pending.case.state == "frozen"
    for trigger, who in (("check", world.users.reviewer), ("release", world.users.reviewer2)):
        with pytest.raises(EngineError):
            act(pending, trigger, who)
        db.session.rollback()
    with pytest.raises(WrongState, match="abgeschlossen"):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)
    db.session.rollback()
    assert paid(notice) == Decimal("10000.00")
    assert proof.reclaim_amount == Decimal("0.00")
    assert world.round.paid == Decimal("10000.00") and world.round.ordered == 0
    assert db.session.scalar(select(PaymentOrder).filter_by(call_off_id=pending.id)) is None
    assert ledger.reconcile(world.round) == []


def test_pending_call_offs_are_frozen_at_submission_and_the_city_is_told(make_application, world):
    notice = final_notice(make_application, world)
    requested = _call_off(notice, world, "10000.00")
    checked = _call_off(notice, world, "5000.00")
    act(checked, "check", world.users.reviewer)
    _submit_proof(notice, world, "15000.00")
    db.session.expire_all()
    assert [requested.case.state, checked.case.state] == ["frozen", "frozen"]
    mails = db.session.scalars(select(OutboxMessage).filter_by(template="call_off_frozen")).all()
    assert {m.recipient for m in mails} == {world.users.speyer.email}
    assert len(mails) == 2 and "eingefroren" in mails[0].subject
    assert ledger.reconcile(world.round) == []


def test_no_call_off_is_requested_once_the_proof_is_submitted(make_application, world):
    notice = final_notice(make_application, world)
    proof = _submit_proof(notice, world, "1000.00")
    with pytest.raises(WrongState, match="Verwendungsnachweis ist eingereicht"):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)
    db.session.rollback()
    act(proof, "request_changes", world.users.reviewer, comment="Belege fehlen.")
    with pytest.raises(WrongState, match="Verwendungsnachweis ist eingereicht"):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)


def test_nothing_is_checked_or_released_while_an_action_is_pending(make_application, world):
    notice = final_notice(make_application, world)
    call_off = _call_off(notice, world, "1000.00")
    act(call_off, "check", world.users.reviewer)
    act(
        notice,
        "record_action",
        world.users.reviewer,
        inputs={"action_filed_on": notice.final_at.date(), "court_file_number": "3 K 1/27.NW"},
    )
    with pytest.raises(GuardRefused, match="Klage erhoben"):
        act(call_off, "release", world.users.reviewer2)
    db.session.rollback()
    assert db.session.scalar(select(BudgetEntry).filter_by(kind="order")) is None


def test_a_running_v1_call_off_is_not_frozen_but_cannot_be_paid(make_application, world):
    notice = final_notice(make_application, world)
    legacy = _call_off(notice, world, "1000.00")
    legacy.case.workflow_version = 1  # started before call_off v2 was published
    db.session.commit()
    act(legacy, "check", world.users.reviewer)
    _submit_proof(notice, world, "1000.00")
    db.session.expire_all()
    assert legacy.case.state == "checked"
    with pytest.raises(GuardRefused, match="Verwendungsnachweis ist eingereicht"):
        act(legacy, "release", world.users.reviewer2)
    db.session.rollback()
    assert world.round.paid == 0 and ledger.reconcile(world.round) == []


def test_a_v1_release_pays_at_once_and_books_order_and_payment(make_application, world):
    notice = final_notice(make_application, world)
    legacy = _call_off(notice, world, "1000.00")
    legacy.case.workflow_version = 1
    db.session.commit()
    act(legacy, "check", world.users.reviewer)
    act(legacy, "release", world.users.reviewer2)
    db.session.expire_all()
    assert legacy.case.state == "paid" and world.round.paid == Decimal("1000.00")
    assert world.round.ordered == 0 and ledger.reconcile(world.round) == []


def test_a_city_without_a_valid_account_cannot_call_off(make_application, world):
    notice = final_notice(make_application, world)
    world.speyer.iban = None
    db.session.commit()
    with pytest.raises(WrongState, match="keine gültige Bankverbindung"):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)


def test_the_call_off_names_the_account_as_it_was_requested(make_application, world):
    notice = final_notice(make_application, world)
    call_off = _call_off(notice, world, "100.00")
    world.speyer.iban = "DE93576500109999990001"
    db.session.commit()
    assert call_off.payee_iban == "DE20547500109999990001"
    assert call_off.account_holder == "Stadtkasse Speyer" and call_off.payee_bic == "MALADE51SPY"


def test_the_city_without_an_account_is_told_why_and_keeps_its_input(
    make_application, world, make_web
):
    notice = final_notice(make_application, world)
    world.speyer.iban = None
    db.session.commit()
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    response = web.post(f"/bescheide/{notice.id}/abrufe", {"amount": "1.234,00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "keine gültige Bankverbindung" in html
    assert "1.234,00" in html
