"""Payment orders: the release orders the payment, "paid" only once it is confirmed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from funding_support import act, confirm_payment, final_notice, ordered_call_off
from sqlalchemy import select

from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import EngineError, GuardRefused, InvalidInput
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry
from antrag.funding.rules import paid
from antrag.mail.models import OutboxMessage
from antrag.payments.models import PaymentOrder

# "Today" is taken more than once (the order, the check): on one frozen day.
pytestmark = pytest.mark.usefixtures("same_day")


@pytest.fixture
def notice(make_application, world):
    world.round.budget_chapter, world.round.budget_title = "0302", "883 01"
    db.session.commit()
    return final_notice(make_application, world)


def test_the_release_makes_a_payment_order_and_books_it_as_ordered(notice, world):
    call_off = ordered_call_off(notice, "30000.00", world)
    order = call_off.payment_order
    today = now().astimezone(BERLIN).date()
    assert call_off.case.state == "ordered" and call_off.paid_at is None
    assert order.number == f"AO-{today.year}-{call_off.id:06d}"
    assert order.amount == Decimal("30000.00") and order.payee_name == "Stadtkasse Speyer"
    assert (order.iban, order.bic) == ("DE20547500109999990001", "MALADE51SPY")
    assert order.purpose.startswith(notice.file_reference) and len(order.purpose) <= 140
    assert order.budget_item == "Kapitel 0302, Titel 883 01" and order.budget_year == today.year
    assert order.due_on > today and order.ordered_by_id == world.users.reviewer2.id
    assert world.round.ordered == Decimal("30000.00") and world.round.paid == 0
    assert paid(notice) == 0
    assert ledger.reconcile(world.round) == []
    mail = db.session.scalar(select(OutboxMessage).filter_by(template="call_off_ordered"))
    assert "angewiesen" in mail.subject and order.number in mail.body


def test_a_confirmation_by_hand_pays_and_moves_ordered_to_paid(notice, world):
    call_off = ordered_call_off(notice, "30000.00", world)
    today = now().astimezone(BERLIN).date()
    confirm_payment(call_off, world, today)
    db.session.expire_all()
    order = call_off.payment_order
    assert call_off.case.state == "paid" and call_off.paid_at is not None
    assert (order.value_date, order.confirmation_source) == (today, "manual")
    assert world.round.ordered == 0 and world.round.paid == Decimal("30000.00")
    kinds = db.session.scalars(select(BudgetEntry.kind).order_by(BudgetEntry.id)).all()
    assert kinds[-2:] == ["order", "payment"]
    assert ledger.reconcile(world.round) == []
    mail = db.session.scalar(select(OutboxMessage).filter_by(template="call_off_confirmed"))
    assert "ausgezahlt" in mail.subject


def test_a_payment_is_confirmed_only_once(notice, world):
    call_off = ordered_call_off(notice, "1000.00", world)
    version = call_off.case.version
    confirm_payment(call_off, world)
    with pytest.raises(EngineError):
        act_args = {"inputs": {"value_date": now().astimezone(BERLIN).date()}}
        from antrag import engine

        engine.fire(
            call_off.case_id, "confirm_payment", world.users.reviewer, version=version, **act_args
        )
    db.session.rollback()
    assert db.session.scalars(select(BudgetEntry).filter_by(kind="payment")).all().__len__() == 1
    assert ledger.reconcile(world.round) == []


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "nicht in der Zukunft"), (-30, "vor der Anordnung")],
)
def test_the_value_date_lies_between_the_order_and_today(notice, world, days, message):
    call_off = ordered_call_off(notice, "1000.00", world)
    day = now().astimezone(BERLIN).date() + timedelta(days=days)
    with pytest.raises(GuardRefused, match=message):
        confirm_payment(call_off, world, day)
    db.session.rollback()
    assert call_off.case.state == "ordered"


def test_the_value_date_is_required(notice, world):
    call_off = ordered_call_off(notice, "1000.00", world)
    with pytest.raises(InvalidInput):
        act(call_off, "confirm_payment", world.users.reviewer)


def test_one_order_per_call_off_is_enforced_by_the_database(notice, world):
    call_off = ordered_call_off(notice, "1000.00", world)
    order = call_off.payment_order
    copy = PaymentOrder(
        **{
            c.name: getattr(order, c.name)
            for c in PaymentOrder.__table__.columns
            if c.name not in ("id", "number")
        },
        number="AO-KOPIE",
    )
    db.session.add(copy)
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_the_city_sees_the_ordered_state_and_reviewers_a_confirm_form(notice, world, make_web):
    call_off = ordered_call_off(notice, "1000.00", world)
    html = make_web(world.users.speyer).get(f"/bescheide/abrufe/{call_off.id}").get_data(True)
    assert "Angewiesen" in html and 'value="confirm_payment"' not in html
    html = make_web(world.users.reviewer).get(f"/bescheide/abrufe/{call_off.id}").get_data(True)
    assert 'value="confirm_payment"' in html and "input_value_date" in html
