"""The ministry's budget overview: each round's figures, a chart and its ledger entries."""

from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth import role_required
from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..extensions import db
from ..programme.models import Round
from ..reclaim.checks import rates_end_before
from . import ledger
from .models import BudgetEntry, FundingNotice

bp = Blueprint("budget", __name__, url_prefix="/haushalt")

# The ministry's clerks work with the budget; the admin sets it up in the round and may see it.
ROLES = ("reviewer", "admin")
# The bars and table rows: the round's figures as the ledger names them (ledger.FIGURES), so
# that a running total added there (ordered, reclaim due, …) shows here without a change.
BAR_LABELS = ledger.FIGURES
CHART_WIDTH = 400  # SVG units available for the longest bar


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: what it shows, its amount and its length in SVG units."""

    key: str
    label: str
    amount: Decimal
    length: str


@dataclass(frozen=True)
class RoundBudget:
    """A round with its figures, its chart and the outcome of the reconciliation."""

    round: Round
    figures: dict
    bars: list[Bar]
    problems: list[str]


def chart_bars(figures: dict) -> list[Bar]:
    """Return the chart's bars, scaled so that the largest amount fills the chart's width."""
    largest = max((value for value in figures.values() if value > 0), default=Decimal(1))
    return [
        Bar(
            key=key,
            label=label,
            amount=figures[key],
            length=f"{max(figures[key], 0) / largest * CHART_WIDTH:.1f}",
        )
        for key, label in BAR_LABELS.items()
    ]


def round_budget(round_: Round) -> RoundBudget:
    """Return everything the budget page shows about `round_`."""
    figures = ledger.figures(round_)
    return RoundBudget(round_, figures, chart_bars(figures), ledger.reconcile(round_))


@bp.route("/")
@role_required(*ROLES)
def index():
    """Every round's budget: total, the running totals of its ledger, available, a chart."""
    rounds = db.session.scalars(
        select(Round).options(joinedload(Round.programme)).order_by(Round.opens_on.desc())
    )
    budgets = [round_budget(round_) for round_ in rounds]
    rates_end = rates_end_before(current_app.config, utcnow().astimezone(BERLIN).date())
    return render_template(
        "budget/index.html", budgets=budgets, labels=BAR_LABELS, rates_end=rates_end
    )


@bp.route("/runden/<int:round_id>")
@role_required(*ROLES)
def entries(round_id: int):
    """One round's budget with all its ledger entries, newest first."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    page = db.paginate(
        select(BudgetEntry)
        .options(joinedload(BudgetEntry.notice).joinedload(FundingNotice.municipality))
        .where(BudgetEntry.round_id == round_.id)
        .order_by(BudgetEntry.created_at.desc(), BudgetEntry.id.desc()),
        per_page=current_app.config.get("QUEUE_PAGE_SIZE", 25),
        error_out=False,
    )
    return render_template(
        "budget/entries.html",
        budget=round_budget(round_),
        page=page,
        labels=BAR_LABELS,
        kind_labels=ledger.KIND_LABELS,
    )
