"""Guards and effects of the payment path of call-off v2: order, confirm, freeze.

The release orders the payment (Auszahlungsanordnung): payments leave the state's treasury
only on an order of the competent authority (§ 70 LHO Rheinland-Pfalz; VV-LHO zu § 70). The
call-off counts as paid only when the treasury confirms the payment (by hand with the value
date, or from its camt.054 debit notification, see payments.camt).
"""

import logging
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import engine
from ..engine import effect, guard
from ..engine.calendar import BERLIN, add_working_days
from ..engine.errors import GuardRefused, StaleVersion
from ..engine.models import Case
from ..extensions import db
from ..funding import budget
from ..funding.call_off_rules import call_off_block
from ..funding.models import CallOff, FundingNotice
from ..funding.operations import lock_notice
from .models import PaymentOrder

logger = logging.getLogger(__name__)
PENDING_STATES = ("requested", "checked")
PURPOSE_MAX = 140  # SEPA unstructured remittance information (pain.001 RmtInf/Ustrd)


@guard(
    "payee_account_known",
    _l(
        "Zu diesem Abruf ist keine Bankverbindung der Kommune festgehalten. Bitte lassen Sie "
        "die Kommune den Abruf zurückziehen und mit hinterlegter IBAN neu stellen."
    ),
)
def payee_account_known(ctx) -> bool:
    """The call-off names the account the payment goes to (snapshot taken at the request)."""
    return bool(ctx.subject.payee_iban and ctx.subject.account_holder)


def _value_date_problem(ctx) -> str | None:
    value_date = ctx.inputs.get("value_date")
    order = ctx.subject.payment_order
    today = ctx.now.astimezone(BERLIN).date()
    if order is None:
        return _("Zu diesem Abruf gibt es keine Auszahlungsanordnung.")
    if value_date is None:  # asked before the form is filled: the required input is checked apart
        return None
    if value_date > today:
        return _("Die Wertstellung kann nicht in der Zukunft liegen.")
    if value_date < order.ordered_on:
        return _("Die Wertstellung liegt vor der Anordnung der Zahlung.")
    return None


@guard("value_date_plausible", lambda ctx: _value_date_problem(ctx) or "")
def value_date_plausible(ctx) -> bool:
    """The value date lies between the day of the order and today."""
    return _value_date_problem(ctx) is None


def purpose_line(call_off: CallOff) -> str:
    """Return the remittance line: the Aktenzeichen first, so that the city can book it."""
    notice = call_off.notice
    text = (
        f"{notice.file_reference} Zuwendung Mittelabruf {call_off.id} "
        f"{notice.municipality.legal_designation}"
    )
    return text[:PURPOSE_MAX]


def order_number(call_off: CallOff, day: date) -> str:
    """Return the order's number, also the SEPA EndToEndId the treasury reports back."""
    return f"AO-{day.year}-{call_off.id:06d}"


def _refuse_if_blocked(notice: FundingNotice) -> None:
    """Lock the notice and re-read its state: a proof submitted meanwhile stops the money."""
    lock_notice(notice)
    reason = call_off_block(notice)
    if reason is not None:
        raise GuardRefused(reason, guard="notice_not_contested")


@effect("order_payment")
def order_payment(ctx) -> PaymentOrder:
    """Create the payment order of the released call-off and book it as ordered."""
    call_off = ctx.subject
    notice = call_off.notice
    _refuse_if_blocked(notice)
    today = ctx.now.astimezone(BERLIN).date()
    round_ = notice.round
    order = PaymentOrder(
        number=order_number(call_off, today),
        call_off=call_off,
        notice_id=notice.id,
        round_id=notice.round_id,
        amount=call_off.amount,
        payee_name=call_off.account_holder,
        iban=call_off.payee_iban,
        bic=call_off.payee_bic,
        purpose=purpose_line(call_off),
        budget_chapter=round_.budget_chapter,
        budget_title=round_.budget_title,
        budget_year=today.year,
        due_on=add_working_days(today, current_app.config["PAYMENT_DUE_WORKING_DAYS"]),
        ordered_on=today,
        ordered_by_id=ctx.actor.id,
    )
    db.session.add(order)
    budget.order(notice, call_off.amount, ctx.case.id)
    logger.info("Payment order %s of %s created", order.number, call_off.amount)
    return order


@effect("record_confirmed_payment")
def record_confirmed_payment(ctx) -> None:
    """Mark the order confirmed (once: a guarded UPDATE) and book the payment.

    The source is "manual"; the camt.054 import re-marks it in the same savepoint.
    """
    call_off = ctx.subject
    result = db.session.execute(
        update(PaymentOrder)
        .where(PaymentOrder.call_off_id == call_off.id, PaymentOrder.confirmed_at.is_(None))
        .values(
            confirmed_at=ctx.now,
            value_date=ctx.inputs["value_date"],
            confirmation_source="manual",
            confirmed_by_id=ctx.actor.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleVersion(_("Die Zahlung wurde bereits bestätigt."))
    if call_off.payment_order is not None:
        db.session.expire(call_off.payment_order)
    call_off.paid_at = ctx.now
    budget.confirm_payment(call_off.notice, call_off.amount, ctx.case.id)


def freeze_pending_call_offs(notice: FundingNotice) -> int:
    """Freeze the notice's requested and checked call-offs (at proof submission); count them.

    The notice row is locked first, so that a call-off requested or released concurrently
    either commits before (and is frozen here) or sees the submitted proof and is refused.
    Call-offs on workflow v1 have no `freeze`; the guard `notice_not_contested` stops them.
    """
    lock_notice(notice)
    rows = db.session.execute(
        select(CallOff, Case)
        .join(Case, Case.id == CallOff.case_id)
        .where(CallOff.notice_id == notice.id, Case.state.in_(PENDING_STATES))
        .order_by(CallOff.id)
        .execution_options(populate_existing=True)
    ).all()
    frozen = 0
    for call_off, case in rows:
        definition = engine.workflows().get(case.workflow, case.workflow_version)
        if definition.transition("freeze") is None:
            continue
        engine.fire(case.id, "freeze", engine.SYSTEM, version=case.version, subject=call_off)
        frozen += 1
    return frozen
