"""Guards and effects of the call-off workflow (Mittelabruf); the payment path: payments.rules."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..engine import effect, guard
from ..engine.errors import GuardRefused
from ..engine.models import Case
from ..extensions import db
from ..formats import format_money
from . import budget
from .models import CallOff, FundingNotice, ProofOfUse
from .rules import called_off

# --- call-off of funds ------------------------------------------------------------------


CONTESTED = _l(
    "Gegen den Bescheid ist Klage erhoben. Solange das Verfahren läuft, wird nichts "
    "ausgezahlt; das Ministerium trägt den Ausgang des Verfahrens ein."
)


def may_call_off(user, notice: FundingNotice) -> bool:
    """Whether `user` may ask for funds of the notice now (the city, final, money left).

    The notice page's call-off form and the city's inbox ask this same question.
    """
    return (
        user.role == "applicant"
        and user.municipality_id == notice.municipality_id
        and call_off_block(notice) is None
        and notice.amount - called_off(notice) > 0
    )


def call_off_block(notice: FundingNotice) -> str | None:
    """Return why no call-off of the notice may be requested, checked or released, or None.

    Money flows only on a final notice (an action has suspensive effect, § 80 (1) VwGO), and
    only until the proof of use is submitted: from then on the proof's review fixes what the
    city may keep (§ 44 LHO, VV Nr. 10 ff.; ANBest-K Nr. 1.4 allows a call-off only for what
    is needed soon). States are read from the database, not from the session, so that a
    caller holding the notice lock (`lock_notice`) sees what others committed.
    """
    state = db.session.scalar(select(Case.state).where(Case.id == notice.case_id))
    if state == "contested":
        return str(CONTESTED)
    if state == "closed":
        return _(
            "Das Verfahren zu diesem Bescheid ist abgeschlossen. Es werden keine Mittel mehr "
            "abgerufen oder ausgezahlt."
        )
    if state != "final":
        return _("Mittel werden nur zu einem bestandskräftigen Bescheid abgerufen und ausgezahlt.")
    proof = db.session.execute(
        select(ProofOfUse.submitted_at, Case.state)
        .join(Case, Case.id == ProofOfUse.case_id)
        .where(ProofOfUse.notice_id == notice.id)
    ).first()
    if proof is not None and (proof.submitted_at is not None or proof.state != "due"):
        return _(
            "Der Verwendungsnachweis ist eingereicht. Danach werden keine Mittel mehr abgerufen "
            "oder ausgezahlt; offene Abrufe sind eingefroren."
        )
    return None


@guard(
    "notice_not_contested",
    lambda ctx: call_off_block(ctx.subject.notice) or str(CONTESTED),
)
def notice_not_contested(ctx) -> bool:
    """No call-off is checked or paid unless the notice is final and its proof not submitted.

    The name stays from workflow call_off v1 (published); the rule grew to close the leak
    of issue 13: a call-off pending when the proof was accepted could be paid afterwards.
    """
    return call_off_block(ctx.subject.notice) is None


def left_for(call_off: CallOff) -> Decimal:
    """Return what is left of the notice besides this call-off (and a pending reduction)."""
    from ..amendments.applying import pending_ceiling

    notice = call_off.notice
    return pending_ceiling(notice) - called_off(notice, exclude_id=call_off.id)


@guard(
    "within_notice",
    lambda ctx: _(
        "Der Abruf übersteigt, was vom Bescheid noch übrig ist (%(amount)s).",
        amount=format_money(left_for(ctx.subject)),
    ),
)
def within_notice(ctx) -> bool:
    """The call-off is not more than what is left of the notice."""
    return ctx.subject.amount <= left_for(ctx.subject)


@guard(
    "four_eyes_release",
    _l(
        "Sie haben diesen Abruf selbst geprüft. Nach dem Vier-Augen-Prinzip gibt eine zweite "
        "Person aus dem Ministerium die Zahlung frei."
    ),
)
def four_eyes_release(ctx) -> bool:
    """Refuse the reviewer who checked the call-off."""
    from ..engine.guards import proposer_id

    return ctx.actor.id is not None and proposer_id(ctx) != ctx.actor.id


@effect("record_payment")
def record_payment(ctx) -> None:
    """Book the payment against the round and mark the call-off paid (workflow v1).

    The notice row is locked and its state re-read, so that a proof of use submitted
    concurrently stops the payment (see `call_off_block`).
    """
    from .operations import lock_notice

    lock_notice(ctx.subject.notice)
    reason = call_off_block(ctx.subject.notice)
    if reason is not None:
        raise GuardRefused(reason, guard="notice_not_contested")
    ctx.subject.paid_at = ctx.now
    budget.pay(ctx.subject.notice, ctx.subject.amount, ctx.case.id)
