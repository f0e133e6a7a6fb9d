"""Guards and effects of the membership workflow, registered under the names its file uses."""

from decimal import Decimal

from sqlalchemy import func, select

from ..engine import effect, guard
from ..engine.models import Case
from ..extensions import db
from ..formats import format_date, format_money
from .models import Application

REQUIRED_FIELDS = {
    "contact_name": "Ansprechperson: Name",
    "contact_function": "Ansprechperson: Funktion",
    "contact_email": "Ansprechperson: E-Mail",
    "contact_phone": "Ansprechperson: Telefon",
    "head_of_administration": "Verwaltungsspitze",
    "requested_amount": "Beantragter Betrag",
    "own_contribution": "Eigenanteil",
}
PROJECT_FIELDS = {
    "title": "Titel",
    "description": "Beschreibung",
    "field_of_action": "Handlungsfeld",
    "period_start": "Beginn",
    "period_end": "Ende",
    "estimated_cost": "Geschätzte Kosten",
}
DECLARATIONS = {
    "declaration_no_early_start": "Erklärung: kein vorzeitiger Maßnahmebeginn",
    "declaration_accuracy": "Erklärung: Richtigkeit der Angaben",
    "declaration_privacy": "Erklärung: Datenschutzhinweise gelesen",
}


def missing_parts(application: Application) -> list[str]:
    """Return the German labels of everything still missing before the form is complete."""
    missing = [
        label for name, label in REQUIRED_FIELDS.items() if getattr(application, name) in (None, "")
    ]
    if not application.projects:
        missing.append("mindestens ein Digitalisierungsprojekt")
    for number, project in enumerate(application.projects, start=1):
        gaps = [
            label for name, label in PROJECT_FIELDS.items() if getattr(project, name) in (None, "")
        ]
        if gaps:
            missing.append(f"Projekt {number}: {', '.join(gaps)}")
    if application.council_resolution is None:
        missing.append("Ratsbeschluss (PDF)")
    missing += [label for name, label in DECLARATIONS.items() if not getattr(application, name)]
    return missing


@guard(
    "round_open",
    lambda ctx: (
        f"Die Antragsrunde „{ctx.subject.round.name}“ ist nur vom "
        f"{format_date(ctx.subject.round.opens_on)} bis zum "
        f"{format_date(ctx.subject.round.closes_on)} geöffnet."
    ),
)
def round_open(ctx) -> bool:
    """The round accepts applications today."""
    return ctx.subject.round.is_open(ctx.now)


@guard(
    "municipality_eligible",
    lambda ctx: (
        f"{ctx.subject.municipality.name} ist für diese Antragsrunde nicht antragsberechtigt."
    ),
)
def municipality_eligible(ctx) -> bool:
    """The municipality is invited to the round, or the round is open to every city."""
    return ctx.subject.round.is_eligible(ctx.subject.municipality)


@guard(
    "single_open_application",
    "Ihre Kommune hat in dieser Runde bereits einen Antrag im Verfahren oder bewilligt bekommen.",
)
def single_open_application(ctx) -> bool:
    """No other application of the municipality in the round is submitted and not closed."""
    app = ctx.subject
    others = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .join(Case, Case.id == Application.case_id)
        .where(
            Application.round_id == app.round_id,
            Application.municipality_id == app.municipality_id,
            Application.id != app.id,
            Case.state.not_in(("draft", "withdrawn", "rejected")),
        )
    )
    return others == 0


@guard(
    "form_complete",
    lambda ctx: (
        "Der Antrag ist noch unvollständig. Es fehlen: "
        + "; ".join(missing_parts(ctx.subject))
        + "."
    ),
)
def form_complete(ctx) -> bool:
    """Every required field, project detail, the council resolution and the declarations are there."""
    return not missing_parts(ctx.subject)


@guard(
    "amount_within_standard",
    lambda ctx: (
        "Der beantragte Betrag darf den Regelbetrag der Runde von "
        f"{format_money(ctx.subject.round.standard_amount)} nicht übersteigen."
    ),
)
def amount_within_standard(ctx) -> bool:
    """The requested amount is not above the round's standard amount."""
    amount = ctx.subject.requested_amount
    return amount is not None and amount <= ctx.subject.round.standard_amount


def uncommitted(round_) -> Decimal:
    """Return what the round can still promise: available minus notices not yet issued."""
    from ..funding.budget import uncommitted as funding_uncommitted

    return funding_uncommitted(round_)


@guard(
    "budget_left",
    lambda ctx: (
        "Das Budget der Runde reicht für diesen Antrag nicht mehr aus "
        f"(noch verfügbar: {format_money(uncommitted(ctx.subject.round))})."
    ),
)
def budget_left(ctx) -> bool:
    """The round's available budget, less the notices still drafted, covers the amount."""
    app = ctx.subject
    return (app.requested_amount or 0) <= uncommitted(app.round)


@effect("mark_submitted")
def mark_submitted(ctx) -> None:
    """Remember when the application was first submitted (it becomes visible to the ministry)."""
    if ctx.subject.submitted_at is None:
        ctx.subject.submitted_at = ctx.now


@effect("assign_to_actor", on_case=True)
def assign_to_actor(ctx) -> dict:
    """Make the acting reviewer the case's assignee."""
    return {"assignee_id": ctx.actor.id}
