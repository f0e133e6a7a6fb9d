"""The ministry's inbox: every case waiting for a clerk or the team, across every workflow.

Filters, sort, the capped count and the page size follow the review queue
(antrag/review/views.py). One statement selects the page (case, city, holder), one counts
up to the cap; the row's subject (for its link) is loaded with one query per subject kind
on the page, so the number of queries does not grow with the rows.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from ..accounts.models import User
from ..engine.calendar import BERLIN
from ..engine.models import Case
from ..engine.registry import SUBJECTS
from ..engine.workflows import workflows
from ..extensions import db
from ..i18n import label
from ..programme.models import Municipality
from .cities import join_cities
from .escalation import escalated, is_escalated
from .models import TaskClaim
from .waiting import waiting_for_reviewer, waiting_states

# The id of the actions section of every case page (templates/case/actions.html).
ACTIONS_ANCHOR = "#schritte"
SCOPES = {
    "team": _l("Alle (Team)"),
    "mine": _l("Meine (mit Vertretungen)"),
    "unclaimed": _l("Nicht übernommen"),
}
SORTS = {
    "due": _l("Fällig zuerst"),
    "oldest": _l("Älteste zuerst"),
    "newest": _l("Neueste zuerst"),
}


class InboxFilterForm(FlaskForm):
    """The inbox's filters, sent with GET so that a filtered view can be bookmarked."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Art"), default="")
    city = SelectField(_l("Kommune"), default="")
    scope = SelectField(
        _l("Zuständig"),
        choices=[SelectChoice(v, text) for v, text in SCOPES.items()],
        default="team",
    )
    overdue = BooleanField(_l("Nur überfällige"))
    escalated = BooleanField(_l("Nur eskalierte"))
    sort = SelectField(
        _l("Sortierung"),
        choices=[SelectChoice(v, text) for v, text in SORTS.items()],
        default="due",
    )

    def set_choices(self, kinds: dict[str, str], cities) -> None:
        """Offer every kind of task and every city."""
        self.kind.choices = [SelectChoice("", _l("Alle Arten"))] + [
            SelectChoice(name, text) for name, text in sorted(kinds.items(), key=lambda i: i[1])
        ]
        self.city.choices = [SelectChoice("", _l("Alle Kommunen"))] + [
            SelectChoice(str(m.id), m.name) for m in cities
        ]

    def fall_back_to_defaults(self) -> None:
        """Replace values nobody can pick in the form (an edited URL) by the defaults."""
        for field in self:
            if field.errors:
                field.data, field.errors = field.default, []

    def args(self) -> dict:
        """Return the filter as query arguments, for the pagination links."""
        args = {"kind": self.kind.data, "city": self.city.data, "scope": self.scope.data}
        args["sort"] = self.sort.data
        if self.overdue.data:
            args["overdue"] = "y"
        if self.escalated.data:
            args["escalated"] = "y"
        return args


@dataclass(frozen=True)
class Filters:
    """The filter values, independent of the form (the digest and the bench use them too)."""

    kind: str = ""
    city: int | None = None
    scope: str = "team"
    overdue: bool = False
    escalated: bool = False
    sort: str = "due"

    @classmethod
    def of(cls, form: InboxFilterForm) -> "Filters":
        return cls(
            kind=form.kind.data or "",
            city=int(form.city.data) if form.city.data else None,
            scope=form.scope.data,
            overdue=bool(form.overdue.data),
            escalated=bool(form.escalated.data),
            sort=form.sort.data,
        )


@dataclass(frozen=True)
class InboxRow:
    """One task: what, which city, since when, due when, who holds it, and its link."""

    case: Case
    kind: str
    what: str
    state: str
    city: str | None
    since: datetime
    due_at: datetime | None
    overdue: bool
    escalated: bool
    holder: User | None
    subject: object | None
    # Where on the subject's page the row leads: its actions, where the person acts at once.
    anchor: str = ""

    @property
    def since_day(self):
        return self.since.astimezone(BERLIN).date()


def _filtered(stmt, city_value, filters: Filters, user, now, holders: list[int]):
    stmt = stmt.where(waiting_for_reviewer(user))
    if filters.kind:
        stmt = stmt.where(Case.workflow == filters.kind)
    if filters.city is not None:
        stmt = stmt.where(city_value == filters.city)
    if filters.scope == "mine":
        stmt = stmt.where(TaskClaim.holder_id.in_(holders))
    elif filters.scope == "unclaimed":
        stmt = stmt.where(TaskClaim.id.is_(None))
    if filters.overdue:
        stmt = stmt.where(Case.due_at < now)
    if filters.escalated:
        stmt = stmt.where(escalated(now))
    return stmt


def inbox_statements(filters: Filters, user, now, holders: list[int]):
    """Return (the page statement selecting case, city id, claim; the count statement)."""
    base, city_value = join_cities(select(Case))
    base = base.outerjoin(TaskClaim, TaskClaim.case_id == Case.id)
    stmt = _filtered(
        base.add_columns(city_value.label("city_id"), TaskClaim), city_value, filters, user, now,
        holders,
    )  # fmt: skip
    counted, count_city = join_cities(select(Case.id))
    counted = counted.outerjoin(TaskClaim, TaskClaim.case_id == Case.id)
    counted = _filtered(counted, count_city, filters, user, now, holders)
    if filters.sort == "oldest":
        stmt = stmt.order_by(Case.updated_at, Case.id)
    elif filters.sort == "newest":
        stmt = stmt.order_by(Case.updated_at.desc(), Case.id.desc())
    else:  # due first (overdue at the top), then the ones without a due date, oldest first
        stmt = stmt.order_by(Case.due_at.is_(None), Case.due_at, Case.updated_at, Case.id)
    return stmt, counted


def build_rows(result, now, role: str = "reviewer") -> list[InboxRow]:
    """Turn a page of (case, city id[, claim]) rows into InboxRows with bounded queries."""
    result = list(result)
    if not result:
        return []
    waiting = {(w.workflow, w.version, w.state): w for w in waiting_states(role)}
    claims = {r.Case.id: getattr(r, "TaskClaim", None) for r in result}
    city_ids = {r.city_id for r in result if r.city_id is not None}
    cities = {
        m.id: m.name
        for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(city_ids)))
    }
    holder_ids = {c.holder_id for c in claims.values() if c is not None}
    holders = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(holder_ids)))}
    subjects = _subjects([r.Case for r in result])
    rows = []
    for r in result:
        case = r.Case
        definition = workflows().get(case.workflow, case.workflow_version)
        w = waiting.get((case.workflow, case.workflow_version, case.state))
        state = label(definition.states[case.state].label)
        claim = claims[case.id]
        rows.append(
            InboxRow(
                case=case,
                kind=label(definition.label),
                what=label(w.what) if w is not None else state,
                state=state,
                city=cities.get(r.city_id),
                since=case.updated_at,
                due_at=case.due_at,
                overdue=case.is_overdue(now),
                escalated=role == "reviewer" and is_escalated(case.due_at, now),
                holder=holders.get(claim.holder_id) if claim is not None else None,
                subject=subjects.get(case.id),
                anchor=ACTIONS_ANCHOR if w is not None else "",
            )
        )
    return rows


def _subjects(cases: list[Case]) -> dict[int, object]:
    """Return case id → subject, one query per kind of subject on the page."""
    by_model: dict[type, list[int]] = {}
    for case in cases:
        model = SUBJECTS[workflows().get(case.workflow, case.workflow_version).subject]
        by_model.setdefault(model, []).append(case.id)
    found = {}
    for model, ids in by_model.items():
        stmt = select(model).where(model.case_id.in_(ids))
        if "notice" in inspect(model).relationships:  # call-offs, proofs: link and visibility
            stmt = stmt.options(joinedload(model.notice))
        for subject in db.session.scalars(stmt).unique():
            found[subject.case_id] = subject
    return found
