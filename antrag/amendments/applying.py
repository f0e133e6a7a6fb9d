"""Applying an amendment to its funding notice when it takes effect, under the notice's row lock.

The funding notice is changed in one transaction with the amendment's `take_effect`: its
history gets the self-transition `amend` (or `amend_final`) fired by the engine with the
new values as inputs, its fields change, a reduction is booked in the round's ledger
(kind `reduction`, lowering `committed`), and an extension moves the proof of use's due
date. The notice's row is locked first (SELECT … FOR UPDATE on PostgreSQL, the write lock
on SQLite), so that a call-off that locks it too cannot slip under a reduction.
"""

from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import engine
from ..engine.calendar import BERLIN, add_months
from ..engine.errors import GuardRefused
from ..engine.models import Case
from ..engine.workflows import workflows
from ..extensions import db
from ..formats import format_date, format_money
from ..funding import budget
from ..funding.models import FundingNotice, ProofOfUse
from ..funding.rules import PROOF_MONTHS_AFTER_PERIOD, called_off
from .models import AmendmentNotice, NoticeCondition

# The funding notice's self-transition per state it may be amended in (funding_notice v2).
AMEND_TRIGGERS = {"issued": "amend", "final": "amend_final"}
# Amendment states between the co-signature and taking effect: the reduction is decided.
SIGNED_PENDING_STATES = ("cosigned", "provided", "not_retrieved", "served")
# Proof-of-use states whose due date follows the funding period.
PROOF_DUE_STATES = ("due",)


class AmendmentActor:
    """The actor of the funding notice's `amend`: the amendment taking effect, not a person."""

    id = None
    role = "system"
    display_name = "System (Änderungsbescheid wird wirksam)"


AMENDMENT = AmendmentActor()


def amend_trigger(notice: FundingNotice) -> str | None:
    """Return the trigger that records an amendment on the notice in its state, if declared."""
    trigger = AMEND_TRIGGERS.get(notice.case.state)
    definition = workflows().get(notice.case.workflow, notice.case.workflow_version)
    if trigger is None or definition.transition(trigger) is None:
        return None
    return trigger


def proof_due_day(period_end: date) -> date:
    """Return the day the proof of use is due: six months after the funding period ends."""
    return add_months(period_end, PROOF_MONTHS_AFTER_PERIOD)


def lock_notice(notice_id: int) -> FundingNotice:
    """Lock the funding notice's row for this transaction and return it freshly read.

    The same lock a call-off request takes (`funding.operations.lock_notice`), so the two
    queue up: a call-off sees the reduced amount, or the reduction sees the call-off.
    """
    from ..funding.operations import lock_notice as lock_row

    notice = db.session.get(FundingNotice, notice_id)
    lock_row(notice)
    db.session.refresh(notice)
    return notice


def pending_ceiling(notice: FundingNotice) -> Decimal:
    """Return the notice's amount, or the lowest amount of a signed reduction not yet in effect.

    Between issue and Bekanntgabe the reduction is decided but the notice not yet changed;
    call-offs must not take what it will take away.
    """
    lowest = db.session.scalar(
        select(func.min(AmendmentNotice.new_amount))
        .join(Case, Case.id == AmendmentNotice.case_id)
        .where(
            AmendmentNotice.notice_id == notice.id,
            AmendmentNotice.new_amount.is_not(None),
            AmendmentNotice.applied_at.is_(None),
            Case.state.in_(SIGNED_PENDING_STATES),
        )
    )
    return notice.amount if lowest is None else min(notice.amount, Decimal(lowest))


def lock_and_check(amendment) -> FundingNotice:
    """Lock the amended notice and refuse a reduction below what was called off or paid."""
    notice = lock_notice(amendment.notice_id)
    if amendment.new_amount is not None:
        taken = called_off(notice)
        if amendment.new_amount < taken:
            raise GuardRefused(
                _(
                    "Der neue Betrag darf nicht unter dem liegen, was die Kommune bereits "
                    "abgerufen hat oder was ihr ausgezahlt wurde (%(called)s).",
                    called=format_money(taken),
                ),
                guard="reduction_covers_call_offs",
            )
    return notice


def _comment(amendment) -> str:
    day = amendment.issued_at.astimezone(BERLIN).date()
    return _(
        "Geändert durch Änderungsbescheid vom %(day)s (%(reference)s), wirksam mit "
        "Bekanntgabe am %(known)s.",
        day=format_date(day),
        reference=amendment.file_reference,
        known=format_date(amendment.made_known_on),
    )


def _inputs(amendment) -> dict:
    inputs = {"amendment": amendment.file_reference}
    if amendment.new_amount is not None:
        inputs["amount"] = amendment.new_amount
    if amendment.new_period_end is not None:
        inputs["period_end"] = amendment.new_period_end
    if amendment.additional_condition:
        inputs["condition"] = " ".join(amendment.additional_condition.split())[:5000]
    return inputs


def apply(amendment, now: datetime) -> None:
    """Change the funding notice as the amendment says, and record it in its history."""
    notice = lock_and_check(amendment)
    trigger = amend_trigger(notice)
    if trigger is None:
        raise GuardRefused(
            _(
                "Der Förderbescheid %(reference)s kann im Status „%(state)s“ nicht geändert "
                "werden; der Änderungsbescheid wird nicht wirksam gebucht.",
                reference=notice.file_reference,
                state=notice.case.state,
            ),
            guard="notice_in_force",
        )
    engine.fire(
        notice.case_id,
        trigger,
        AMENDMENT,
        version=notice.case.version,
        comment=_comment(amendment),
        inputs=_inputs(amendment),
        subject=notice,
    )
    amendment.applied_at = now
    amendment.previous_amount = notice.amount
    amendment.previous_period_end = notice.period_end
    if amendment.new_amount is not None and amendment.new_amount < notice.amount:
        budget.reduce(notice, notice.amount - amendment.new_amount, amendment.case_id)
        notice.amount = amendment.new_amount
    if amendment.new_period_end is not None:
        notice.period_end = amendment.new_period_end
        _move_proof_due(notice)
    if amendment.additional_condition:
        db.session.add(
            NoticeCondition(
                notice_id=notice.id,
                amendment_id=amendment.id,
                text=amendment.additional_condition,
                effective_on=amendment.made_known_on,
            )
        )
    db.session.flush()


def _move_proof_due(notice: FundingNotice) -> None:
    """Let the proof of use fall due six months after the new end of the funding period."""
    proof = db.session.scalar(select(ProofOfUse).filter_by(notice_id=notice.id))
    if proof is None or proof.case.state not in PROOF_DUE_STATES:
        return  # not final yet: the proof is opened later from the new end
    engine.touch(proof.case, proof.case.version)  # open forms on the proof become stale
    proof.case.due_at = datetime.combine(
        proof_due_day(notice.period_end), time(23, 59, 59), tzinfo=BERLIN
    )


def conditions_of(notice: FundingNotice) -> list[NoticeCondition]:
    """Return the conditions amendments added to the notice, oldest first."""
    return list(
        db.session.scalars(
            select(NoticeCondition)
            .where(NoticeCondition.notice_id == notice.id)
            .order_by(NoticeCondition.id)
        )
    )
