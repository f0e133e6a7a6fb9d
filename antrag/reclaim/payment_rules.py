"""Guards and effects of the reclaim's payment phase (workflow reclaim v2).

After the reclaim notice took effect the city pays by the payment deadline: it is reminded
before the deadline (the state's reminder), and when the deadline passes unpaid the timer
moves the case to `overdue`. A receipt keeps the case in its state and its due date
(the shared effect `keep_due_date`). Money arrives in one payment or in instalments; each receipt is
recorded through a transition (its history entry is the record), allocated to interest and
principal (`receipts.statement`), and its principal goes back to the round (ledger kind
`reclaim_received`, one entry per receipt). The case closes only when everything is paid.
"""

import logging
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, update

from ..engine import effect, guard
from ..engine.errors import StaleVersion
from ..extensions import db
from ..formats import format_date, format_money
from ..funding import budget
from ..notices.service import end_of_day
from . import operations as ops
from .models import Reclaim
from .receipts import ZERO, ReclaimReceipt

logger = logging.getLogger(__name__)


def _today(ctx) -> date:
    return ops.berlin_today(ctx.now)


@effect("await_payment", on_case=True)
def await_payment(ctx) -> dict:
    """The notice is final: the case is due when the payment deadline ends (then overdue)."""
    due = ctx.subject.payment_due_on
    return {"due_at": end_of_day(due) if due is not None else None}


def _with_receipt(ctx):
    """Return the statement to the receipt's day with the entered receipt added, or None."""
    received_on, amount = ctx.inputs.get("received_on"), ctx.inputs.get("received_amount")
    if received_on is None or amount is None:
        return None
    return ops.reclaim_statement(ctx.subject, received_on, extra=(received_on, amount))


def _before(ctx):
    return ops.reclaim_statement(ctx.subject, ctx.inputs["received_on"])


def _date_problem(ctx) -> str | None:
    received_on = ctx.inputs.get("received_on")
    if received_on is not None and received_on > _today(ctx):
        return _("Der Tag des Zahlungseingangs darf nicht in der Zukunft liegen.")
    return None


def _part_refusal(ctx) -> str:
    problem = _date_problem(ctx)
    if problem:
        return problem
    before = _before(ctx)
    return _(
        "Der eingegangene Betrag übersteigt, was am %(day)s offen war: %(open)s (Hauptforderung "
        "und Zinsen). Bitte prüfen Sie den Betrag; eine Überzahlung wird nicht angenommen.",
        day=format_date(ctx.inputs["received_on"]),
        open=format_money(before.open),
    )


@guard("receipt_valid", _part_refusal)
def receipt_valid(ctx) -> bool:
    """The value date is not in the future and the receipt pays no more than is open.

    While interest lies beyond the known base rates (provisional), a receipt is never refused
    for its amount: it is recorded and an excess is flagged when the rates are known.
    """
    after = _with_receipt(ctx)
    if after is None:  # asked before the form is filled: the required inputs are checked apart
        return True
    if _date_problem(ctx):
        return False
    return after.provisional or after.excess == ZERO


def _settle_refusal(ctx) -> str:
    statement = ops.reclaim_statement(ctx.subject, _today(ctx))
    if statement.provisional:
        return _(
            "Die Zinsen sind vorläufig: Der Basiszinssatz ab %(day)s ist noch nicht hinterlegt. "
            "Die Rückforderung kann erst abgeschlossen werden, wenn er hinterlegt ist.",
            day=format_date(statement.provisional_from),
        )
    return _(
        "Die Rückforderung ist noch nicht vollständig bezahlt: offen sind %(open)s "
        "(Hauptforderung %(principal)s, Zinsen %(interest)s bis heute).",
        open=format_money(statement.open),
        principal=format_money(statement.principal_open),
        interest=format_money(statement.interest_open),
    )


@guard("paid_in_full", _settle_refusal)
def paid_in_full(ctx) -> bool:
    """Everything is paid, and the interest rests on known base rates only."""
    return ops.reclaim_statement(ctx.subject, _today(ctx)).settled


@effect("book_receipt")
def book_receipt(ctx) -> None:
    """Record the receipt, allocate it and book its principal back to the round."""
    reclaim = ctx.subject
    after = _with_receipt(ctx)
    # The allocation of this receipt (a receipt of the same day and amount recorded before
    # is allocated the same way, so which of them is found does not matter).
    mine = next(
        a
        for a in reversed(after.allocations)
        if a.received_on == ctx.inputs["received_on"] and a.amount == ctx.inputs["received_amount"]
    )
    booked_before = reclaim.principal_received
    principal_now = after.principal - after.principal_open
    to_principal = max(principal_now - booked_before, ZERO)
    receipt = ReclaimReceipt(
        reclaim_id=reclaim.id,
        number=len(reclaim.receipts) + 1,
        received_on=ctx.inputs["received_on"],
        amount=ctx.inputs["received_amount"],
        reference=ctx.inputs.get("reference") or None,
        to_principal=to_principal,
        to_interest=min(mine.to_interest, ctx.inputs["received_amount"] - to_principal),
        excess=ZERO,
        provisional=after.provisional,
        recorded_by_id=ctx.actor.id,
    )
    receipt.excess = receipt.amount - receipt.to_principal - receipt.to_interest
    db.session.add(receipt)
    db.session.flush()
    db.session.expire(reclaim, ["receipts"])
    if to_principal > ZERO:
        _add_principal(reclaim, to_principal)
        budget.reclaim_received(reclaim.notice, to_principal, ctx.case.id)
    logger.info(
        "Reclaim %s: receipt %s of %s (%s principal)",
        reclaim.file_reference,
        receipt.number,
        receipt.amount,
        to_principal,
    )


def _add_principal(reclaim: Reclaim, amount) -> None:
    """Add principal received with a guarded UPDATE (never beyond the amount; CHECK too)."""
    new_total = func.round(Reclaim.principal_received + amount, 2)  # SQLite: binary floats
    result = db.session.execute(
        update(Reclaim)
        .where(Reclaim.id == reclaim.id, new_total <= Reclaim.amount)
        .values(principal_received=new_total)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleVersion(
            _("Der Zahlungseingang wurde inzwischen schon erfasst. Bitte laden Sie die Seite neu.")
        )
    db.session.refresh(reclaim, ["principal_received"])


@effect("settle_reclaim")
def settle_reclaim(ctx) -> None:
    """Close the account: the last receipt's day, all money and all interest received."""
    reclaim = ctx.subject
    receipts = reclaim.receipts
    statement = ops.reclaim_statement(reclaim, _today(ctx))
    reclaim.received_on = max(r.received_on for r in receipts)
    reclaim.interest_received = statement.interest_total
    reclaim.received_amount = reclaim.amount + statement.interest_total
    logger.info("Reclaim %s settled: %s", reclaim.file_reference, reclaim.received_amount)
