"""Call-offs of funds: requested by the city, checked, released by a second reviewer, paid."""

from decimal import Decimal

import pytest
from funding_support import act, confirm_payment, final_notice, issued_notice, paid_call_off
from sqlalchemy import select

from antrag.engine.errors import GuardRefused, InvalidInput, WrongState
from antrag.extensions import db
from antrag.funding.models import BudgetEntry, CallOff
from antrag.funding.operations import left_of, request_call_off
from antrag.mail.models import OutboxMessage


def test_two_partial_call_offs_are_checked_released_by_a_second_reviewer_and_paid(
    make_application, world
):
    notice = final_notice(make_application, world)
    first = request_call_off(world.users.speyer, notice, Decimal("30000.00"), "Erste Rate")
    db.session.commit()
    act(first, "check", world.users.reviewer)
    with pytest.raises(GuardRefused, match="Vier-Augen-Prinzip"):
        act(first, "release", world.users.reviewer)
    db.session.rollback()
    act(first, "release", world.users.reviewer2)
    confirm_payment(first, world)
    second = paid_call_off(notice, "20000.00", world)
    db.session.expire_all()
    assert [c.case.state for c in (first, second)] == ["paid", "paid"]
    assert first.paid_at is not None
    assert world.round.paid == Decimal("50000.00")
    payments = db.session.scalars(select(BudgetEntry).filter_by(kind="payment")).all()
    assert sorted(p.amount for p in payments) == [Decimal("20000.00"), Decimal("30000.00")]
    assert left_of(notice) == Decimal("10750.00")


def test_a_call_off_above_what_is_left_is_refused(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "60000.00", world)
    with pytest.raises(InvalidInput) as refused:
        request_call_off(world.users.speyer, notice, Decimal("750.01"), None)
    assert "750,00" in refused.value.errors["amount"]
    db.session.rollback()
    assert db.session.scalar(select(CallOff).where(CallOff.amount == Decimal("750.01"))) is None


def test_refused_and_withdrawn_call_offs_no_longer_count(make_application, world):
    notice = final_notice(make_application, world)
    refused = request_call_off(world.users.speyer, notice, Decimal("60750.00"), None)
    db.session.commit()
    act(refused, "refuse", world.users.reviewer, comment="Belege fehlen.")
    withdrawn = request_call_off(world.users.speyer, notice, Decimal("60750.00"), None)
    db.session.commit()
    act(withdrawn, "withdraw", world.users.speyer)
    assert left_of(notice) == Decimal("60750.00")


def test_no_call_off_before_the_notice_is_final(make_application, world):
    notice = issued_notice(make_application, world)
    with pytest.raises(WrongState):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)


def test_the_city_calls_off_in_german_format_and_reviewers_are_told(
    make_application, world, make_web
):
    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    response = web.post(f"/bescheide/{notice.id}/abrufe", {"amount": "30.000,00", "note": ""})
    assert response.status_code == 302
    db.session.expire_all()
    call_off = db.session.scalar(select(CallOff))
    assert call_off.amount == Decimal("30000.00") and call_off.case.state == "requested"
    mails = db.session.scalars(select(OutboxMessage).filter_by(template="call_off_requested"))
    assert {m.recipient for m in mails} == {
        world.users.reviewer.email,
        world.users.reviewer2.email,
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("70.000,00", "nur noch 60.750,00"),
        ("zehn Euro", "Bitte geben Sie einen Betrag in Euro an"),
        ("0", "größer als 0"),
        ("", "Bitte geben Sie einen Betrag an"),
    ],
)
def test_bad_call_off_amounts_get_a_field_message_and_nothing_is_saved(
    make_application, world, make_web, amount, message
):
    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    response = web.post(f"/bescheide/{notice.id}/abrufe", {"amount": amount})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html.replace("\xa0", " ")
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(CallOff)) is None


def test_the_checker_sees_why_they_cannot_release(make_application, world, make_web):
    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, Decimal("1000.00"), None)
    db.session.commit()
    act(call_off, "check", world.users.reviewer)
    html = make_web(world.users.reviewer).get(f"/bescheide/abrufe/{call_off.id}").get_data(True)
    assert "Vier-Augen-Prinzip" in html
    assert 'value="release"' not in html
    assert "also Sie" not in html and "eine zweite Person im Ministerium" in html
    html = make_web(world.users.reviewer2).get(f"/bescheide/abrufe/{call_off.id}").get_data(True)
    assert 'value="release"' in html and "also Sie" in html
