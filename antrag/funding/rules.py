"""Guards and effects of the funding notice and call-off workflows (proof of use: proof_rules)."""

import functools
import logging
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from .. import engine
from ..applications.models import FIELDS_OF_ACTION
from ..db_types import CENT
from ..engine import effect, guard
from ..engine.calendar import BERLIN, add_months
from ..engine.errors import GuardRefused
from ..engine.models import Case
from ..engine.reads import columns
from ..engine.registry import GUARDS
from ..extensions import db
from ..formats import format_money
from ..law.courts import NoCompetentCourt
from ..notices.issuing import issue_letter
from . import budget
from .file_reference import TAKE as TAKE_FILE_REFERENCE
from .file_reference import next_file_reference
from .models import FINANCING_TYPE, CallOff, FundingNotice, ProofOfUse

logger = logging.getLogger(__name__)
# Call-offs in these states no longer count against what is left of a notice.
VOID_CALL_OFF_STATES = ("refused", "withdrawn")
PROOF_MONTHS_AFTER_PERIOD = 6


def funding_period(starts_on: date, project_ends: list[date]) -> tuple[date, date]:
    """Return the Bewilligungszeitraum: from its start to the latest project end.

    It lasts at least until the end of the following year, so that a city whose projects
    end early still has a full budget year to call off and spend the funds. It starts with
    the notice (effect `start_funding_period`), or earlier with an approved early start.
    """
    end = max([*[e for e in project_ends if e is not None], date(starts_on.year + 1, 12, 31)])
    return starts_on, end


def purpose_text(application) -> str:
    """Return the purpose (Zuwendungszweck) from the application's projects."""
    lines = [
        f"Beitritt der Kommune {application.municipality.name} zum Interkommunalen Netzwerk "
        "Digitale Stadt und Durchführung der folgenden Digitalisierungsprojekte:"
    ]
    for number, project in enumerate(application.projects, start=1):
        field_of_action = FIELDS_OF_ACTION.get(project.field_of_action or "", "")  # stays German
        lines.append(f"{number}. {project.title} (Handlungsfeld: {field_of_action})")
    return "\n".join(lines)


def called_off(notice: FundingNotice, exclude_id: int | None = None) -> Decimal:
    """Return the sum of the notice's call-offs that still count (not refused or withdrawn)."""
    params = {"of_notice": notice.id}
    if exclude_id is not None:
        params["not_call_off"] = exclude_id
    total = columns(_called_off_statement(exclude_id is not None), params).scalar()
    return Decimal(total).quantize(CENT)


def _call_off_sum():
    """The sum of a notice's call-offs (`of_notice`), with their cases for their states."""
    return (
        select(func.coalesce(func.sum(CallOff.amount), 0))
        .join(Case, Case.id == CallOff.case_id)
        .where(CallOff.notice_id == bindparam("of_notice"))
    )


@functools.cache
def _called_off_statement(excluding: bool):
    """Return the sum of a notice's call-offs that count, built once (with or without one)."""
    query = _call_off_sum().where(Case.state.not_in(VOID_CALL_OFF_STATES))
    if excluding:
        query = query.where(CallOff.id != bindparam("not_call_off"))
    return query


def _in_state(notice: FundingNotice, state: str) -> Decimal:
    total = columns(_in_state_statement(), {"of_notice": notice.id, "in_state": state}).scalar()
    return Decimal(total).quantize(CENT)


@functools.cache
def _in_state_statement():
    """Return the sum of a notice's call-offs in one state, built once."""
    return _call_off_sum().where(Case.state == bindparam("in_state"))


def paid(notice: FundingNotice) -> Decimal:
    """Return the sum of the notice's paid call-offs: payments the treasury confirmed.

    (Call-offs on workflow v1 count from their release, which paid at once.)
    """
    return _in_state(notice, "paid")


def ordered(notice: FundingNotice) -> Decimal:
    """Return the sum of the notice's call-offs ordered for payment, not yet confirmed paid."""
    return _in_state(notice, "ordered")


# --- funding notice ---------------------------------------------------------------------


@effect("create_funding_notice", starts=("funding_notice",), takes=TAKE_FILE_REFERENCE)
def create_funding_notice(ctx) -> None:
    """Draft the notice of the approved application and take its file reference."""
    application = ctx.subject
    approved_on = ctx.now.astimezone(BERLIN).date()
    # The period starts with the notice (set at issue); until then only its end is known.
    _start, end = funding_period(approved_on, [p.period_end for p in application.projects])
    municipality = application.municipality
    notice = FundingNotice(
        application_id=application.id,
        round_id=application.round_id,
        municipality_id=municipality.id,
        file_reference=next_file_reference(approved_on.year),
        amount=application.requested_amount,
        purpose=purpose_text(application),
        period_start=None,
        period_end=end,
        financing_type=FINANCING_TYPE,
        # The addressee is the legal person represented by its head (refreshed at issue).
        addressee_name=municipality.legal_designation,
        addressee_head=municipality.represented_by,
        addressee_address=municipality.postal_address,
    )
    engine.start("funding_notice", notice, ctx.actor)
    ctx.made["funding_notice"] = notice
    logger.info("Notice %s drafted for application %s", notice.file_reference, application.id)


@effect("reserve_budget")
def reserve_budget(ctx) -> None:
    """Reserve the approved amount for the notice the approval drafted (guarded UPDATE).

    The guard `budget_left` only read the round; this is where a concurrent approval that
    took the money first makes the approval fail with the guard's own refusal.
    """
    application = ctx.subject
    notice = ctx.made.get("funding_notice")  # drafted by this approval's `draft_notice`
    if notice is None:
        notice = db.session.scalars(
            select(FundingNotice).where(FundingNotice.application_id == application.id)
        ).one()
    try:
        budget.reserve(notice, ctx.case.id)
    except budget.BudgetExhausted:
        db.session.expire(application.round)
        raise GuardRefused(GUARDS["budget_left"].refusal(ctx), guard="budget_left") from None


@guard(
    "signing_authority",
    _l(
        "Förderbescheide erlässt nur, wer Zeichnungsbefugnis hat. Bitte bitten Sie eine "
        "zeichnungsbefugte Person im Ministerium, den Bescheid zu erlassen."
    ),
)
def signing_authority(ctx) -> bool:
    """The actor may sign notices."""
    return getattr(ctx.actor, "can_sign", False) is True


@guard(
    "budget_available",
    lambda ctx: _(
        "Das Budget der Runde reicht für diesen Bescheid nicht aus: benötigt werden "
        "%(needed)s, verfügbar sind noch %(available)s.",
        needed=format_money(ctx.subject.amount),
        available=format_money(ctx.subject.round.available),
    ),
)
def budget_available(ctx) -> bool:
    """The approval reserved the amount, or the round can still commit it (checked in SQL)."""
    notice = ctx.subject
    return budget.reserved_for(notice) == notice.amount or notice.amount <= notice.round.available


@guard(
    "competent_court_known",
    lambda ctx: _(
        "Für %(municipality)s (AGS %(ags)s) ist kein zuständiges Verwaltungsgericht bekannt: "
        "Der Gemeindeschlüssel gehört zu keinem Landkreis und keiner kreisfreien Stadt in "
        "Rheinland-Pfalz. Bitte lassen Sie ihn in der Verwaltung berichtigen; ohne Gericht "
        "fehlt dem Bescheid die Rechtsbehelfsbelehrung.",
        municipality=ctx.subject.municipality.name,
        ags=ctx.subject.municipality.ags,
    ),
)
def competent_court_known(ctx) -> bool:
    """The notice can name the court an action goes to (§ 58 VwGO needs it in the letter)."""
    try:
        ctx.subject.court  # noqa: B018 - raises for a key outside the Land's districts
    except NoCompetentCourt:
        return False
    return True


@guard(
    "may_discard_notice",
    _l("Einen Bescheidentwurf verwirft nur, wer Zeichnungsbefugnis hat."),
)
def may_discard_notice(ctx) -> bool:
    """Only who may sign a notice may decide not to issue it."""
    return getattr(ctx.actor, "can_sign", False) is True


@effect("commit_budget")
def commit_budget(ctx) -> None:
    """Turn the approval's reservation into the commitment of the issued notice."""
    budget.commit(ctx.subject, ctx.case.id)


@effect("release_commitment")
def release_commitment(ctx) -> None:
    """Give the commitment of a notice the court annulled back to the round's budget."""
    budget.annul(ctx.subject, ctx.case.id)


@effect("release_reservation")
def release_reservation(ctx) -> None:
    """Give the amount of a notice that will not be issued back to the round."""
    budget.release(ctx.subject, ctx.case.id)


@effect("start_funding_period")
def start_funding_period(ctx) -> None:
    """Let the funding period begin with the notice: the issue day, or an earlier approved early start.

    VV Nr. 1.3 zu § 44 LHO: a project may begin before the notice only with the ministry's
    consent (vorzeitiger Maßnahmebeginn); then the period starts with the earliest project.
    """
    from ..applications.early_start import approved_early_start

    notice = ctx.subject
    issued_on = ctx.now.astimezone(BERLIN).date()
    early = approved_early_start(notice.application) if notice.application else None
    start = min(issued_on, early) if early is not None else issued_on
    ends = [p.period_end for p in notice.application.projects] if notice.application else []
    _start, end = funding_period(issued_on, [*ends, notice.period_end])
    notice.period_start, notice.period_end = start, max(end, start)


@effect("render_notice")
def render_notice(ctx) -> None:
    """Seal the funding notice, render its PDF once and store it with its hash."""
    from ..letters import render_funding_notice

    issue_letter(ctx, render_funding_notice)


@guard(
    "may_represent_city",
    _l(
        "Auf Rechtsbehelfe verzichten kann nur, wer die Kommune vertreten darf "
        "(§ 47 GemO: die Bürgermeisterin oder der Bürgermeister oder eine bevollmächtigte "
        "Person). Ihr Konto ist dafür nicht freigeschaltet; bitte wenden Sie sich an die "
        "Verwaltung des Portals."
    ),
)
def may_represent_city(ctx) -> bool:
    """The actor may represent the city and declares in the function stored on the account."""
    if getattr(ctx.actor, "may_represent", False) is not True:
        return False
    declared = ctx.inputs.get("represents_as")
    return declared is None or declared == ctx.actor.represents_as


@effect("waive_appeal")
def waive_appeal(ctx) -> None:
    """Record the city's waiver of its right of appeal (Rechtsbehelfsverzicht)."""
    ctx.subject.appeal_waived_at = ctx.now


@effect("make_final")
def make_final(ctx) -> None:
    """Record when the notice became final (bestandskräftig)."""
    ctx.subject.final_at = ctx.now


@effect("create_proof_of_use", starts=1)
def create_proof_of_use(ctx) -> None:
    """Open the proof of use, due six months after the funding period ends.

    A notice that becomes final again after a late action already has its proof of use.
    """
    notice = ctx.subject
    if db.session.scalar(select(ProofOfUse.id).filter_by(notice_id=notice.id)) is not None:
        return
    proof = ProofOfUse(notice_id=notice.id, notice=notice)
    case = engine.start("proof_of_use", proof, ctx.actor)
    due_day = add_months(notice.period_end, PROOF_MONTHS_AFTER_PERIOD)
    case.due_at = datetime.combine(due_day, time(23, 59, 59), tzinfo=BERLIN)
