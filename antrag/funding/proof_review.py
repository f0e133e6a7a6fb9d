"""The review of a proof of use item by item, and what the city may keep after it.

The city declares the expenditure per project with its receipts list and the income and
third-party funds it received; a ministry reviewer recognises the expenditure per project
(anerkannte Ausgaben) and gives a reason for any amount not recognised. Proposing the
acceptance fixes the figures (effect `fix_review`); a second reviewer co-signs (four eyes)
and `settle_proof` stores them again with the reclaim.
"""

from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _

from ..engine import effect, guard
from ..formats import format_money
from . import entitlement
from .models import ProofOfUse

ZERO = Decimal("0.00")


def _project_label(number: int, project) -> str:
    return _("Projekt %(number)s (%(title)s)", number=number, title=project.title)


def receipts_of(proof: ProofOfUse, project_id: int) -> list:
    """Return the receipts the city listed for one project."""
    return [r for r in proof.receipts if r.project_id == project_id]


def receipt_mismatches(proof: ProofOfUse) -> list[str]:
    """Return a sentence per project whose receipts do not add up to its reported expenditure."""
    problems = []
    lines = {line.project_id: line for line in proof.lines}
    for number, project in enumerate(proof.notice.application.projects, start=1):
        line = lines.get(project.id)
        if line is None:
            continue
        listed = sum((r.amount for r in receipts_of(proof, project.id)), ZERO)
        if listed != line.spent:
            problems.append(
                _(
                    "%(project)s: Die Belegliste ergibt %(listed)s, angegeben sind Ausgaben "
                    "von %(spent)s",
                    project=_project_label(number, project),
                    listed=format_money(listed),
                    spent=format_money(line.spent),
                )
            )
    return problems


@guard(
    "receipts_match_expenditure",
    lambda ctx: _(
        "Die Belegliste passt nicht zu den Ausgaben. %(problems)s. Bitte ergänzen oder "
        "berichtigen Sie die Belege oder die Ausgaben.",
        problems="; ".join(receipt_mismatches(ctx.subject)),
    ),
)
def receipts_match_expenditure(ctx) -> bool:
    """The receipts of every project add up to its reported expenditure, to the cent."""
    return not receipt_mismatches(ctx.subject)


def review_gaps(proof: ProofOfUse) -> list[str]:
    """Return what the reviewer has not yet decided (empty when the review is complete)."""
    gaps = []
    lines = {line.project_id: line for line in proof.lines}
    for number, project in enumerate(proof.notice.application.projects, start=1):
        line = lines.get(project.id)
        label = _project_label(number, project)
        if line is None or line.recognised is None:
            gaps.append(_("anerkannte Ausgaben für %(project)s", project=label))
            continue
        if line.recognised < line.spent and not (line.not_recognised_reason or "").strip():
            gaps.append(
                _("Begründung der nicht anerkannten Ausgaben für %(project)s", project=label)
            )
        refused = sum((r.amount for r in receipts_of(proof, project.id) if r.not_recognised), ZERO)
        if line.recognised > line.spent - refused:
            gaps.append(
                _(
                    "%(project)s: anerkannt sind mehr als die anerkannten Belege "
                    "(höchstens %(most)s)",
                    project=label,
                    most=format_money(line.spent - refused),
                )
            )
    return gaps


@guard(
    "proof_reviewed",
    lambda ctx: _(
        "Die Prüfung des Verwendungsnachweises ist noch nicht vollständig. Es fehlen: %(missing)s.",
        missing="; ".join(review_gaps(ctx.subject)),
    ),
)
def proof_reviewed(ctx) -> bool:
    """Every project's recognised expenditure is set, every amount not recognised reasoned."""
    return not review_gaps(ctx.subject)


def recognised_total(proof: ProofOfUse) -> Decimal:
    """Return the recognised expenditure; a proof never reviewed (v1) counts what was spent."""
    return sum(
        (line.spent if line.recognised is None else line.recognised for line in proof.lines),
        ZERO,
    )


def declared_funds(proof: ProofOfUse, kind: str) -> Decimal:
    """Return the sum of the income (`income`) or third-party funds (`third_party`) declared."""
    return sum((f.amount for f in proof.funds if f.kind == kind), ZERO)


def figures_of(proof: ProofOfUse) -> entitlement.Figures:
    """Return the figures the entitled grant of the proof's notice follows from."""
    from ..applications.financing import plan_of

    notice = proof.notice
    plan = plan_of(notice.application)
    return entitlement.Figures(
        financing_type=notice.financing_type,
        granted=notice.amount,
        recognised=recognised_total(proof),
        own_contribution=plan.own_contribution or ZERO,
        income=declared_funds(proof, "income"),
        third_party=declared_funds(proof, "third_party"),
        planned_cost=plan.total_cost,
        planned_third_party=plan.third_party_funds or ZERO,
    )


def entitled(proof: ProofOfUse) -> Decimal:
    """Return what the city may keep, by the notice's financing type and the configuration."""
    return entitlement.entitled_amount(
        figures_of(proof),
        fixed_limited_by_other_funds=current_app.config.get(
            "FIXED_AMOUNT_LIMITED_BY_OTHER_FUNDS", False
        ),
    )


def store_figures(proof: ProofOfUse) -> None:
    """Store the recognised expenditure and the entitled grant on the proof."""
    proof.recognised_total = recognised_total(proof)
    proof.entitled_amount = entitled(proof)


@effect("fix_review")
def fix_review(ctx) -> None:
    """Fix the reviewed figures with the proposal: the co-signer decides on these."""
    store_figures(ctx.subject)
    ctx.subject.reviewed_by_id = ctx.actor.id
    ctx.subject.reviewed_at = ctx.now
