"""The figures of the programme dashboard, computed from cases, their history and the ledger."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..applications.models import Application
from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..engine.core import subject_of
from ..engine.models import Case, HistoryEntry
from ..engine.workflows import workflows
from ..extensions import db
from ..funding import ledger
from ..programme.models import Round
from .stats import median, percentile

MEMBERSHIP = "membership"
# The state in which a membership application counts as decided in the city's favour.
APPROVED = "approved"
PERCENTILE = 90


@dataclass(frozen=True)
class StateCounts:
    """The number of applications of one round in each state of the membership workflow."""

    round: Round
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StageFigure:
    """How long cases stayed in one state: completed stays, median, percentile, open stays."""

    state: str
    label: str
    completed: int
    median_days: float | None
    p90_days: float | None
    open: int


@dataclass(frozen=True)
class WorkflowStages:
    """The stage figures of one workflow, its non-final states in the definition's order."""

    name: str
    label: str
    stages: list[StageFigure]


@dataclass(frozen=True)
class OverdueCase:
    """A case whose due date has passed while it is still in a non-final state."""

    case: Case
    workflow_label: str
    state_label: str
    subject: object
    city: str
    days_overdue: int


def state_labels(workflow: str) -> dict[str, str]:
    """Return the states of the current definition with their labels, the final states last."""
    definition = workflows().current(workflow)
    order = sorted(definition.state_order(), key=lambda name: definition.states[name].final)
    labels = {name: definition.states[name].label for name in order}
    # States that only older versions still running have come last.
    return labels | workflows().state_labels(workflow) | labels


def applications_per_state() -> tuple[dict[str, str], list[StateCounts]]:
    """Return the membership states with labels and, per round, the applications in each state.

    Every application counts, drafts included: the figures are numbers only, no content.
    """
    labels = state_labels(MEMBERSHIP)
    rows = db.session.execute(
        select(Application.round_id, Case.state, func.count())
        .join(Case, Case.id == Application.case_id)
        .group_by(Application.round_id, Case.state)
    )
    by_round: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, state, count in rows:
        by_round[round_id][state] = count
    for counts in by_round.values():
        for state in counts:
            labels.setdefault(state, state)  # a state of an older version keeps its name
    rounds = db.session.scalars(select(Round).order_by(Round.opens_on, Round.id))
    table = [
        StateCounts(r, {state: by_round[r.id].get(state, 0) for state in labels}) for r in rounds
    ]
    return labels, table


def _stays(rows) -> tuple[dict, dict]:
    """Return completed stay durations (seconds) and open stays, per (workflow, state).

    A stay begins with the history entry that enters a state and ends with the case's next
    entry that leads to another state; an entry that stays in the state does not end it.
    """
    durations, open_stays = defaultdict(list), defaultdict(int)
    case_id = current = since = workflow = None
    for entry in rows:
        if entry.case_id != case_id:
            if current is not None:
                open_stays[(workflow, current)] += 1
            case_id, workflow, current, since = entry.case_id, entry.workflow, None, None
        if entry.to_state == current:
            continue
        if current is not None:
            durations[(workflow, current)].append((entry.created_at - since).total_seconds())
        current, since = entry.to_state, entry.created_at
    if current is not None:
        open_stays[(workflow, current)] += 1
    return durations, open_stays


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 86400


def time_per_stage() -> list[WorkflowStages]:
    """Return, per workflow and non-final state, the median and 90th percentile of the stays."""
    rows = db.session.execute(
        select(
            HistoryEntry.case_id,
            HistoryEntry.workflow,
            HistoryEntry.to_state,
            HistoryEntry.created_at,
        ).order_by(HistoryEntry.case_id, HistoryEntry.seq)
    )
    durations, open_stays = _stays(rows)
    result = []
    for name in workflows().names():
        definition = workflows().current(name)
        stages = []
        for state in definition.state_order():
            if definition.states[state].final:
                continue
            values = durations.get((name, state), [])
            stages.append(
                StageFigure(
                    state=state,
                    label=definition.states[state].label,
                    completed=len(values),
                    median_days=_days(median(values)),
                    p90_days=_days(percentile(values, PERCENTILE)),
                    open=open_stays.get((name, state), 0),
                )
            )
        result.append(WorkflowStages(name, definition.label, stages))
    return result


def _city_of(subject) -> str:
    """Return the name of the municipality a case's subject concerns."""
    for owner in (subject, getattr(subject, "notice", None), getattr(subject, "application", None)):
        municipality = getattr(owner, "municipality", None)
        if municipality is not None:
            return municipality.name
    return ""


def overdue_cases(now: datetime | None = None) -> list[OverdueCase]:
    """Return the cases with a due date in the past that are still in a non-final state."""
    now = now or utcnow()
    cases = db.session.scalars(
        select(Case).where(Case.due_at.is_not(None), Case.due_at < now).order_by(Case.due_at)
    )
    found = []
    for case in cases:
        definition = workflows().get(case.workflow, case.workflow_version)
        state = definition.states.get(case.state)
        if state is None or state.final:
            continue
        subject = subject_of(case, definition)
        days = (now.astimezone(BERLIN).date() - case.due_at.astimezone(BERLIN).date()).days
        found.append(
            OverdueCase(case, definition.label, state.label, subject, _city_of(subject), days)
        )
    return found


def budget_per_round() -> list[tuple[Round, dict]]:
    """Return each round with the figures of its budget ledger, as the budget page shows them."""
    rounds = db.session.scalars(
        select(Round).options(joinedload(Round.programme)).order_by(Round.opens_on, Round.id)
    )
    return [(round_, ledger.figures(round_)) for round_ in rounds]


def members_over_time() -> list[tuple[date, int]]:
    """Return (decision date in Berlin, members so far) for each day a city became a member.

    A city becomes a member with the first approval of one of its membership applications.
    """
    first_approval = db.session.execute(
        select(Application.municipality_id, func.min(HistoryEntry.created_at))
        .join(HistoryEntry, HistoryEntry.case_id == Application.case_id)
        .where(HistoryEntry.workflow == MEMBERSHIP, HistoryEntry.to_state == APPROVED)
        .group_by(Application.municipality_id)
    )
    per_day: dict[date, int] = defaultdict(int)
    for _municipality, decided_at in first_approval:
        per_day[decided_at.astimezone(BERLIN).date()] += 1
    points, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    return points
