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
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..accounts.models import User
from ..engine.calendar import BERLIN
from ..engine.models import Case
from ..engine.registry import SUBJECTS
from ..engine.workflows import workflows
from ..extensions import db
from ..i18n import label
from ..programme.models import Municipality
from .cities import join_cities
from .escalation import is_escalated
from .gaps import GapLink
from .models import TaskClaim
from .page import GAP_KIND, page_keys
from .waiting import waiting_states

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
    # A typed name rather than a select of the state's 2,000 municipalities: listing them
    # (or only those with tasks) would cost more than the page itself.
    city = StringField(_l("Kommune"), validators=[Optional(), Length(max=100)], default="")
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

    def set_choices(self, kinds: dict[str, str]) -> None:
        """Offer every kind of task, the mentoring gaps among them."""
        kinds = kinds | {GAP_KIND: str(_l("Mentoring-Lücke"))}
        self.kind.choices = [SelectChoice("", _l("Alle Arten"))] + [
            SelectChoice(name, text) for name, text in sorted(kinds.items(), key=lambda i: i[1])
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
    city: int | tuple[int, ...] | None = None  # municipality id(s)
    scope: str = "team"
    overdue: bool = False
    escalated: bool = False
    sort: str = "due"
    changed_since: datetime | None = None  # the digest's "new": changed (or flagged) since

    @classmethod
    def of(cls, form: InboxFilterForm) -> "Filters":
        return cls(
            kind=form.kind.data or "",
            city=city_ids(form.city.data),
            scope=form.scope.data,
            overdue=bool(form.overdue.data),
            escalated=bool(form.escalated.data),
            sort=form.sort.data,
        )


def city_ids(typed: str | None) -> int | tuple[int, ...] | None:
    """Return the ids of the municipalities whose name starts with `typed` (any case).

    A number is taken as a municipality id (links and bookmarks of the earlier select).
    """
    typed = (typed or "").strip()
    if not typed:
        return None
    if typed.isdigit():
        return int(typed)
    pattern = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return tuple(
        db.session.scalars(
            select(Municipality.id).where(Municipality.name.ilike(pattern, escape="\\")).limit(50)
        )
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
    revision: int | None = None  # an application's newest revision: above 1 if resubmitted

    @property
    def since_day(self):
        return self.since.astimezone(BERLIN).date()


def inbox_rows(filters: Filters, user, now, holders: list[int], *, per_page: int, page: int = 1):
    """Return (the InboxRows of one page, whether a next page exists) in three statements.

    The keys come from the per-state top-N of `page.page_keys`; the page's cases
    are then loaded with their city and claim by id, and turned into rows by `build_rows`.
    """
    keys = page_keys(filters, user, now, holders, per_page=per_page, page=page)
    has_next = len(keys) > per_page
    keys = keys[:per_page]
    if not keys:
        return [], has_next
    stmt = _details_statement()
    details = {
        r.Case.id: r for r in db.session.execute(stmt, {"ids": list({k.case_id for k in keys})})
    }
    gaps = {}
    gap_ids = [k.gap_id for k in keys if k.gap_id is not None]
    if gap_ids:
        from ..mentoring.models import MentoringGap

        for gap in db.session.scalars(select(MentoringGap).where(MentoringGap.id.in_(gap_ids))):
            gaps[gap.id] = gap
    by_case = {k.case_id: gaps[k.gap_id] for k in keys if k.gap_id in gaps}
    return build_rows([details[k.case_id] for k in keys], now, gaps=by_case), has_next


_DETAILS: list = []


def _details_statement():
    """Return the SELECT of cases by id (`ids`) with their city and claim, built once."""
    if not _DETAILS:
        stmt, city_value = join_cities()
        _DETAILS.append(
            stmt.outerjoin(TaskClaim, TaskClaim.case_id == Case.id)
            .add_columns(city_value.label("city_id"), TaskClaim)
            .where(Case.id.in_(bindparam("ids", expanding=True)))
        )
    return _DETAILS[0]


def build_rows(result, now, role: str = "reviewer", gaps: dict | None = None) -> list[InboxRow]:
    """Turn a page of (case, city id[, claim]) rows into InboxRows with bounded queries.

    `gaps` maps the case id of an approved application to its unresolved mentoring gap:
    that row is the task "propose a mentor", not the case's own state.
    """
    gaps = gaps or {}
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
    subjects, revisions = _subjects([r.Case for r in result])
    rows = []
    for r in result:
        case = r.Case
        definition = workflows().get(case.workflow, case.workflow_version)
        w = waiting.get((case.workflow, case.workflow_version, case.state))
        state = label(definition.states[case.state].label)
        claim = claims[case.id]
        if case.id in gaps:
            rows.append(_gap_row(gaps[case.id], case, cities.get(r.city_id), claim, holders))
            continue
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
                revision=revisions.get(case.id) if role == "reviewer" else None,
            )
        )
    return rows


def _gap_row(gap, case: Case, city: str | None, claim, holders: dict) -> InboxRow:
    """Return the row of a mentoring gap: the ministry proposes a mentor for an approved city."""
    return InboxRow(
        case=case,
        kind=str(_l("Mentoring-Lücke")),
        what=str(_l("Mentorin oder Mentor vorschlagen")),
        state=str(_l("Bewilligt, ohne Mentoring")),
        city=city,
        since=gap.created_at,
        due_at=None,
        overdue=False,
        escalated=False,
        holder=holders.get(claim.holder_id) if claim is not None else None,
        subject=GapLink(gap.id),
    )


def _subjects(cases: list[Case]) -> tuple[dict[int, object], dict[int, int]]:
    """Return (case id → subject, case id → newest revision number of an application).

    One query per kind of subject on the page; an application's revision number comes in
    the same query (a correlated index seek), to mark resubmissions.
    """
    from ..applications.models import Application
    from ..applications.revisions import latest_number

    by_model: dict[type, list[int]] = {}
    for case in cases:
        model = SUBJECTS[workflows().get(case.workflow, case.workflow_version).subject]
        by_model.setdefault(model, []).append(case.id)
    found, revisions = {}, {}
    for model, ids in by_model.items():
        stmt = select(model).where(model.case_id.in_(ids))
        if model is Application:
            stmt = stmt.add_columns(latest_number(Application.id))
        if "notice" in inspect(model).relationships:  # call-offs, proofs: link and visibility
            stmt = stmt.options(joinedload(model.notice))
        for subject, *number in db.session.execute(stmt).unique():
            found[subject.case_id] = subject
            if number:
                revisions[subject.case_id] = number[0]
    return found, revisions
