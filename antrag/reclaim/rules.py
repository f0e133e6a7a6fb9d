"""Guards and effects of the reclaim workflow (Rückforderung).

The service of the reclaim notice, its action period and a filed action use the notice
rules (`antrag.notices.rules`), as the funding and the rejection notice do.
"""

import logging
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..engine import effect, guard
from ..engine.errors import GuardRefused
from ..files import write_new
from ..formats import format_date, format_money
from ..funding import budget
from ..notices.issuing import issue_letter
from ..notices.service import end_of_day
from . import operations as ops

logger = logging.getLogger(__name__)
HEARING_MIN_DAYS = 14  # § 28 VwVfG asks for a reasonable time to answer; two weeks at least


def _today(ctx) -> date:
    return ops.berlin_today(ctx.now)


def _deadline(ctx) -> date:
    return ctx.inputs.get("answer_deadline") or ops.hearing_deadline(_today(ctx))


@guard(
    "hearing_deadline_valid",
    lambda ctx: _(
        "Die Frist zur Stellungnahme muss mindestens %(days)s Tage nach dem heutigen Tag "
        "liegen (frühestens %(first)s), damit sich die Kommune äußern kann (§ 28 VwVfG).",
        days=HEARING_MIN_DAYS,
        first=format_date(_today(ctx) + timedelta(days=HEARING_MIN_DAYS)),
    ),
)
def hearing_deadline_valid(ctx) -> bool:
    """The city has at least two weeks to answer."""
    return (_deadline(ctx) - _today(ctx)).days >= HEARING_MIN_DAYS


@effect("start_hearing", on_case=True)
def start_hearing(ctx) -> dict:
    """Record the hearing and its deadline; the case is due when the deadline ends."""
    reclaim = ctx.subject
    reclaim.hearing_sent_at = ctx.now
    reclaim.hearing_deadline = _deadline(ctx)
    return {"due_at": end_of_day(reclaim.hearing_deadline)}


@effect("render_hearing_letter")
def render_hearing_letter(ctx) -> None:
    """Render the hearing letter (not an administrative act), seal and store it."""
    from ..letters import SealUnavailable, render_reclaim_hearing

    try:
        pdf = render_reclaim_hearing(ctx.subject, ctx.actor)
    except SealUnavailable:
        raise GuardRefused(
            _(
                "Das Anhörungsschreiben kann nicht erzeugt werden, weil das elektronische "
                "Siegel des Ministeriums nicht verfügbar ist. Bitte wenden Sie sich an den Betrieb."
            ),
            guard="signing_authority",
        ) from None
    ctx.subject.hearing_pdf_stored_name, ctx.subject.hearing_pdf_sha256 = write_new(pdf)


@effect("record_answer")
def record_answer(ctx) -> None:
    """Keep the city's answer to the hearing (its PDF, if any, was stored by the view)."""
    ctx.subject.answer_text = ctx.comment
    ctx.subject.answered_at = ctx.now


@effect("record_hearing_outcome")
def record_hearing_outcome(ctx) -> None:
    """Keep the reviewer's evaluation of the hearing."""
    ctx.subject.hearing_outcome = ctx.comment


@guard(
    "revocation_period_running",
    lambda ctx: _(
        "Die Jahresfrist für den Widerruf ist abgelaufen: Das Ministerium kennt die Tatsachen "
        "seit dem %(known)s, der Widerruf war nur bis zum %(deadline)s möglich (§ 49 Abs. 3 "
        "Satz 2 mit § 48 Abs. 4 VwVfG). Der Bescheid kann nicht mehr widerrufen werden.",
        known=format_date(ctx.subject.facts_known_on),
        deadline=format_date(ctx.subject.revocation_deadline),
    ),
)
def revocation_period_running(ctx) -> bool:
    """The one-year period from the day the ministry learned the facts has not run out."""
    return _today(ctx) <= ctx.subject.revocation_deadline


def _proposed_amount(ctx):
    return ctx.inputs.get("amount") or ctx.subject.amount


@guard(
    "reclaim_amount_valid",
    lambda ctx: _(
        "Der zu erstattende Betrag muss größer als 0 sein und darf höchstens %(most)s "
        "betragen (ausgezahlt, abzüglich anderer Rückforderungen zum Bescheid).",
        most=format_money(ops.reclaimable(ctx.subject.notice, ctx.subject)),
    ),
)
def reclaim_amount_valid(ctx) -> bool:
    """The amount is positive and not more than was paid and is not claimed otherwise."""
    amount = _proposed_amount(ctx)
    return 0 < amount <= ops.reclaimable(ctx.subject.notice, ctx.subject)


@guard(
    "interest_start_valid",
    _l(
        "Der Beginn der Verzinsung darf nicht in der Zukunft und nicht vor dem Erlass des "
        "Förderbescheids liegen."
    ),
)
def interest_start_valid(ctx) -> bool:
    """Interest starts between the funding notice's issue and today."""
    start = ctx.inputs.get("interest_from")
    if start is None:
        return True
    issued = ctx.subject.notice.issued_at
    first = ops.berlin_today(issued) if issued is not None else date.min
    return first <= start <= _today(ctx)


@effect("record_decision_proposal")
def record_decision_proposal(ctx) -> None:
    """Keep the proposed amount, interest start and reasons on the reclaim."""
    reclaim = ctx.subject
    reclaim.amount = _proposed_amount(ctx)
    reclaim.interest_from = ctx.inputs.get("interest_from") or ops.default_interest_start(reclaim)
    reclaim.decision_reasons = ctx.comment


@effect("fix_reclaim")
def fix_reclaim(ctx) -> None:
    """The co-signed decision fixes the amount: book it as due (not yet available)."""
    reclaim = ctx.subject
    reclaim.decided_at = ctx.now
    budget.reclaim_due(reclaim.notice, reclaim.amount, ctx.case.id)
    logger.info("Reclaim %s decided: %s due", reclaim.file_reference, reclaim.amount)


@effect("render_reclaim_notice", letter=True)
def render_reclaim_notice(ctx) -> None:
    """Seal the reclaim notice, render its PDF once and store it with its hash."""
    from ..letters import render_reclaim_notice as render

    issue_letter(ctx, render)


@effect("set_payment_deadline")
def set_payment_deadline(ctx) -> None:
    """The payment is due the set months after the notice was made known (took effect)."""
    reclaim = ctx.subject
    if reclaim.made_known_on is not None:
        reclaim.payment_due_on = ops.payment_deadline(reclaim.made_known_on)


@effect("cancel_reclaim")
def cancel_reclaim(ctx) -> None:
    """The court annulled the reclaim notice: nothing is due any more.

    What was received on it already stays booked as received (paying it back to the city is
    a payment of its own); only the part still due is taken off the books.
    """
    reclaim = ctx.subject
    still_due = reclaim.amount - reclaim.principal_received
    if still_due > 0:
        budget.reclaim_cancelled(reclaim.notice, still_due, ctx.case.id)


def expected_receipt(ctx):
    """Return (interest, principal + interest) to the entered receipt day, or None without it."""
    received_on = ctx.inputs.get("received_on")
    if received_on is None:
        return None
    calculation = ops.reclaim_interest(ctx.subject, received_on)
    return calculation, ctx.subject.amount + calculation.total


def _receipt_refusal(ctx) -> str:
    received_on = ctx.inputs.get("received_on")
    if received_on is not None and received_on > _today(ctx):
        return _("Der Tag des Zahlungseingangs darf nicht in der Zukunft liegen.")
    expected = expected_receipt(ctx)
    if expected is not None and expected[0].provisional:
        return _(
            "Für einen Teil des Zinszeitraums ist der Basiszinssatz noch nicht hinterlegt. "
            "Bitte lassen Sie antrag/law/data/base_rates.yaml ergänzen."
        )
    total = format_money(expected[1]) if expected else ""
    return _(
        "Der eingegangene Betrag muss der Hauptforderung mit den Zinsen bis zum Tag des "
        "Eingangs entsprechen: %(total)s. Teilzahlungen werden nicht erfasst.",
        total=total,
    )


@guard("receipt_complete", _receipt_refusal)
def receipt_complete(ctx) -> bool:
    """The money received is the principal plus the interest to that day, in full."""
    expected = expected_receipt(ctx)
    if expected is None:  # asked before the form is filled: the required input is checked apart
        return True
    calculation, total = expected
    received_on = ctx.inputs["received_on"]
    return (
        received_on <= _today(ctx)
        and not calculation.provisional
        and ctx.inputs.get("received_amount") == total
    )


@effect("record_receipt")
def record_receipt(ctx) -> None:
    """Record the money received; the principal goes back to the round, interest to the state."""
    reclaim = ctx.subject
    calculation, total = expected_receipt(ctx)
    reclaim.received_on = ctx.inputs["received_on"]
    reclaim.received_amount = total
    reclaim.interest_received = calculation.total
    reclaim.principal_received = reclaim.amount
    budget.reclaim_received(reclaim.notice, reclaim.amount, ctx.case.id)
    logger.info("Reclaim %s received: %s", reclaim.file_reference, total)
