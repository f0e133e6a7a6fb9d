"""Guards and effects of the membership workflow, registered under the names its file uses."""

import functools

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from ..engine import effect, guard, prefetch
from ..engine.models import Case
from ..engine.reads import columns
from ..formats import format_date, format_money
from ..i18n import N_
from ..i18n import label as translate
from .models import Application

REQUIRED_FIELDS = {
    "contact_name": N_("Ansprechperson: Name"),
    "contact_function": N_("Ansprechperson: Funktion"),
    "contact_email": N_("Ansprechperson: E-Mail"),
    "contact_phone": N_("Ansprechperson: Telefon"),
    "head_of_administration": N_("Verwaltungsspitze"),
    "requested_amount": N_("Beantragter Betrag"),
    "own_contribution": N_("Eigenanteil"),
}
PROJECT_FIELDS = {
    "title": N_("Titel"),
    "description": N_("Beschreibung"),
    "field_of_action": N_("Handlungsfeld"),
    "period_start": N_("Beginn"),
    "period_end": N_("Ende"),
    "estimated_cost": N_("Geschätzte Kosten"),
}
DECLARATIONS = {
    "declaration_accuracy": N_("Erklärung: Richtigkeit der Angaben"),
    "declaration_privacy": N_("Erklärung: Datenschutzhinweise gelesen"),
}


def missing_parts(application: Application) -> list[str]:
    """Return the labels of everything still missing before the form is complete."""
    missing = [
        translate(label)
        for name, label in REQUIRED_FIELDS.items()
        if getattr(application, name) in (None, "")
    ]
    if not application.projects:
        missing.append(_("mindestens ein Digitalisierungsprojekt"))
    for number, project in enumerate(application.projects, start=1):
        gaps = [
            translate(label)
            for name, label in PROJECT_FIELDS.items()
            if getattr(project, name) in (None, "")
        ]
        if gaps:
            missing.append(_("Projekt %(number)s: %(gaps)s", number=number, gaps=", ".join(gaps)))
    if application.council_resolution is None:
        missing.append(_("Ratsbeschluss (PDF)"))
    missing += early_start_gaps(application)
    missing += [
        translate(label) for name, label in DECLARATIONS.items() if not getattr(application, name)
    ]
    return missing


def early_start_gaps(application: Application) -> list[str]:
    """Return what is missing about the early start: the declaration, or the request's reason.

    The declaration "no early start" covers projects not yet begun; a city that requests an
    early start instead gives the reason for it (VV Nr. 1.3 zu § 44 LHO).
    """
    if application.early_start_requested:
        if not (application.early_start_reason or "").strip():
            return [_("Begründung des vorzeitigen Maßnahmebeginns")]
        return []
    if not application.declaration_no_early_start:
        return [_("Erklärung: kein vorzeitiger Maßnahmebeginn")]
    return []


@guard(
    "round_open",
    lambda ctx: _(
        "Die Antragsrunde „%(round)s“ ist nur vom %(start)s bis zum %(end)s geöffnet.",
        round=ctx.subject.round.name,
        start=format_date(ctx.subject.round.opens_on),
        end=format_date(ctx.subject.round.closes_on),
    ),
)
def round_open(ctx) -> bool:
    """The round accepts applications today."""
    return ctx.subject.round.is_open(ctx.now)


@guard(
    "municipality_eligible",
    lambda ctx: _(
        "%(municipality)s ist für diese Antragsrunde nicht antragsberechtigt.",
        municipality=ctx.subject.municipality.name,
    ),
)
def municipality_eligible(ctx) -> bool:
    """The municipality is invited to the round, or the round is open to every city."""
    return ctx.subject.round.is_eligible(ctx.subject.municipality)


def _others_column(model):
    """The count `single_open_application` reads, correlated with an application's row."""
    if model is not Application:
        return None
    columns = (Application.round_id, Application.municipality_id, Application.id)
    return _others_open(*columns).scalar_subquery()


# States in which an application does not count as open for `single_open_application`.
CLOSED_OR_DRAFT = ("draft", "withdrawn", "rejected")
OTHERS_OPEN = prefetch.Prefetch(
    "others_open",
    _others_column,
    lambda application, count: prefetch.note(("others_open", application.id), count),
)


@guard(
    "single_open_application",
    lambda ctx: _(
        "%(municipality)s hat in der Antragsrunde „%(round)s“ bereits einen anderen Antrag im "
        "Verfahren oder bewilligt bekommen.",
        municipality=ctx.subject.municipality.name,
        round=ctx.subject.round.name,
    ),
    prefetch=(OTHERS_OPEN,),
)
def single_open_application(ctx) -> bool:
    """No other application of the municipality in the round is submitted and not closed.

    The round slot (see Application.holds_round_slot) already keeps a city to one
    application; this also holds for two that existed before the slot did.
    """
    app = ctx.subject
    others = prefetch.noted(("others_open", app.id))
    if others is prefetch.MISSING:
        others = columns(
            _other_open_applications(),
            {"round_id": app.round_id, "municipality_id": app.municipality_id, "id": app.id},
        ).scalar()
    return others == 0


@functools.cache
def _other_open_applications():
    """Count the city's other open applications in the round; built once."""
    return _others_open(bindparam("round_id"), bindparam("municipality_id"), bindparam("id"))


def _others_open(round_id, municipality_id, application_id):
    """Count the applications of `municipality_id` in `round_id` but `application_id` that are
    open (columns of an application to correlate with, or parameters)."""
    other, case = aliased(Application), aliased(Case)
    return (
        select(func.count())
        .select_from(other)
        .join(case, case.id == other.case_id)
        .where(
            other.round_id == round_id,
            other.municipality_id == municipality_id,
            other.id != application_id,
            case.state.not_in(CLOSED_OR_DRAFT),
        )
    )


@guard(
    "form_complete",
    lambda ctx: _(
        "Der Antrag ist noch unvollständig. Es fehlen: %(missing)s.",
        missing="; ".join(missing_parts(ctx.subject)),
    ),
)
def form_complete(ctx) -> bool:
    """Every required field, project detail, the council resolution and the declarations are there."""
    return not missing_parts(ctx.subject)


@guard(
    "amount_within_standard",
    lambda ctx: _(
        "Der beantragte Betrag darf den Regelbetrag der Runde von %(amount)s nicht übersteigen.",
        amount=format_money(ctx.subject.round.standard_amount),
    ),
)
def amount_within_standard(ctx) -> bool:
    """The requested amount is not above the round's standard amount."""
    amount = ctx.subject.requested_amount
    return amount is not None and amount <= ctx.subject.round.standard_amount


@guard(
    "budget_left",
    lambda ctx: _(
        "Das Budget der Runde reicht für diesen Antrag nicht mehr aus (noch verfügbar: %(amount)s).",
        amount=format_money(ctx.subject.round.available),
    ),
)
def budget_left(ctx) -> bool:
    """What the round has not yet committed or reserved covers the amount.

    Approving reserves the amount with a guarded UPDATE (effect `reserve_budget`), which
    refuses with this guard's message when a concurrent approval took the money first.
    """
    app = ctx.subject
    return (app.requested_amount or 0) <= app.round.available


@effect("mark_submitted")
def mark_submitted(ctx) -> None:
    """Remember when the application was first submitted (it becomes visible to the ministry)."""
    if ctx.subject.submitted_at is None:
        ctx.subject.submitted_at = ctx.now


@effect("assign_to_actor", on_case=True)
def assign_to_actor(ctx) -> dict:
    """Make the acting reviewer the case's assignee."""
    return {"assignee_id": ctx.actor.id}


@effect("release_round_slot")
def release_round_slot(ctx) -> None:
    """Let the city apply again in the round: a withdrawn or rejected application holds no slot."""
    ctx.subject.holds_round_slot = None
