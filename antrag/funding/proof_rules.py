"""Guards and effects of the proof-of-use workflow (Verwendungsnachweis)."""

from decimal import Decimal

from flask_babel import gettext as _

from .. import engine
from ..engine import effect, guard
from . import budget
from .entitlement import reclaim_amount
from .models import ExpenditureLine, ProofOfUse
from .proof_review import store_figures
from .rules import paid


def proof_gaps(proof: ProofOfUse) -> list[str]:
    """Return the labels of what the proof of use still lacks."""
    gaps = []
    if not (proof.report or "").strip():
        gaps.append(_("Sachbericht"))
    reported = {line.project_id for line in proof.lines}
    for number, project in enumerate(proof.notice.application.projects, start=1):
        if project.id not in reported:
            gaps.append(
                _(
                    "Ausgaben für Projekt %(number)s (%(title)s)",
                    number=number,
                    title=project.title,
                )
            )
    return gaps


@guard(
    "proof_complete",
    lambda ctx: _(
        "Der Verwendungsnachweis ist noch unvollständig. Es fehlen: %(missing)s.",
        missing="; ".join(proof_gaps(ctx.subject)),
    ),
)
def proof_complete(ctx) -> bool:
    """The report and the expenditure of every project are there."""
    return not proof_gaps(ctx.subject)


@effect("mark_proof_submitted")
def mark_proof_submitted(ctx) -> None:
    """Remember when the proof of use was submitted; freeze the call-offs still pending."""
    from ..payments.rules import freeze_pending_call_offs

    ctx.subject.submitted_at = ctx.now
    freeze_pending_call_offs(ctx.subject.notice)


def spent(proof: ProofOfUse) -> Decimal:
    """Return the expenditure the city reported in total."""
    return sum((line.spent for line in proof.lines), Decimal("0.00"))


@effect("settle_proof", starts=1)
def settle_proof(ctx) -> None:
    """Store the recognised total, the entitled grant and the reclaim; open its procedure; close.

    The reclaim is what was paid beyond the entitled grant (antrag/funding/entitlement.py).
    It is not booked here: it runs as a case of its own (workflow `reclaim`) and reaches the
    ledger when it is decided (reclaim_due) and when the money is received.
    """
    proof = ctx.subject
    notice = proof.notice
    store_figures(proof)
    proof.reclaim_amount = reclaim_amount(paid(notice), proof.entitled_amount)
    if proof.reclaim_amount > 0:
        from ..reclaim.operations import open_for_proof

        open_for_proof(proof, ctx.actor, ctx.now)
    close_notice(notice)


CLOSE_EFFECT = "release_unpaid_commitment"


def close_notice(notice) -> None:
    """Close the notice and give back what of its commitment was never paid.

    Where the notice's workflow version declares `release_unpaid_commitment` on `close`,
    the engine books it; for the versions that do not (v1), it is booked here.
    """
    ctx = engine.fire(notice.case_id, "close", engine.SYSTEM, version=notice.case.version)
    if CLOSE_EFFECT not in ctx.transition.effects:
        budget.decommit(notice, notice.case_id)


@effect(CLOSE_EFFECT)
def release_unpaid_commitment(ctx) -> None:
    """Give the part of the closed notice's commitment that was never paid back to the round."""
    budget.decommit(ctx.subject, ctx.case.id)


def lines_by_project(proof: ProofOfUse) -> dict[int, ExpenditureLine]:
    """Return the proof's expenditure lines keyed by project id."""
    return {line.project_id: line for line in proof.lines}
