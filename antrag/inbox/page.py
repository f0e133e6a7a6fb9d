"""One page of the ministry's inbox at any number of cases: per-state top-N, then details by id.

A single statement over every waiting case (ten outer joins to name the city, ordered by
due date over tens of thousands of rows) grows with the cases. Instead:

1. **Keys.** For each (workflow, state) in which a case waits for this reviewer, one small
   SELECT on `case` alone, ordered as the page is and limited to the rows the page can
   need (offset + page size + 1); the index `ix_case_inbox_due` (workflow, state, due_at,
   updated_at, id) — or `ix_case_inbox_since` for the sorts by age — serves filter and
   order, so each stops after a few rows. SQLite orders NULL first and PostgreSQL last, so
   the due sort asks each state twice (with and without a due date) to let the index serve
   both. The mentoring gaps (approved applications without a mentor) join as one more
   branch. The UNION ALL of these is sorted and cut to the page: the work depends on the
   number of states and the page, not on the number of cases.
2. **Details.** The page's cases with city (`join_cities`) and claim, by id.
3. **Count.** The same branches without order, counted up to QUEUE_COUNT_CAP + 1.
"""

from dataclasses import dataclass

from sqlalchemy import (
    Integer,
    bindparam,
    cast,
    exists,
    false,
    func,
    null,
    or_,
    select,
    union_all,
)

from ..applications.models import Application
from ..db_types import UTCDateTime
from ..engine.models import Case
from ..engine.workflows import workflows
from ..extensions import db
from .cities import city_case_ids
from .escalation import escalation_limit
from .models import TaskClaim
from .waiting import entered_by, waiting_states

GAP_KIND = "mentoring_gap"


@dataclass(frozen=True)
class Group:
    """A (workflow, state) waiting for this reviewer: its versions, those barred by four eyes."""

    workflow: str
    state: str
    versions: tuple[int, ...]
    four_eyes: tuple[int, ...]


@dataclass(frozen=True)
class Key:
    """One task of the page: a case, or a mentoring gap (with its application's case)."""

    case_id: int
    gap_id: int | None


def groups_for(user, kind: str = "") -> list[Group]:
    """Return the (workflow, state) groups waiting for this reviewer, of `kind` if given."""
    found: dict[tuple[str, str], tuple[list, list]] = {}
    for s in waiting_states("reviewer"):
        if s.signing and not getattr(user, "can_sign", False):
            continue
        if kind and s.workflow != kind:
            continue
        versions, barred = found.setdefault((s.workflow, s.state), ([], []))
        versions.append(s.version)
        if s.four_eyes:
            barred.append(s.version)
    return [
        Group(w, st, tuple(sorted(v)), tuple(sorted(b)))
        for (w, st), (v, b) in sorted(found.items())
    ]


def _case_filters(group: Group, filters) -> list:
    conditions = [
        Case.workflow == group.workflow,
        Case.state == group.state,
        Case.workflow_version.in_(group.versions),
    ]
    if group.four_eyes:  # never the person who moved the case into this state
        proposer = entered_by()
        # COALESCE: the correlated subquery runs once per row, not once per comparison
        others = func.coalesce(proposer, 0) != bindparam("user_id")
        if group.four_eyes != group.versions:
            others = or_(Case.workflow_version.not_in(group.four_eyes), others)
        conditions.append(others)
    return conditions + _common(Case.id, filters)


def _common(case_id, filters) -> list:
    """Return the filters on city and holder, for the case id column `case_id`."""
    conditions = []
    if filters.city is not None:
        conditions.append(case_id.in_(city_case_ids(bindparam("cities", expanding=True))))
    if filters.scope == "mine":
        holders = bindparam("holders", expanding=True)
        conditions.append(
            case_id.in_(select(TaskClaim.case_id).where(TaskClaim.holder_id.in_(holders)))
        )
    elif filters.scope == "unclaimed":
        conditions.append(~exists().where(TaskClaim.case_id == case_id))
    return conditions


def _columns(gap_id=None, due=None, since=None, case_id=None):
    return (
        (Case.id if case_id is None else case_id).label("case_id"),
        (cast(null(), Integer) if gap_id is None else gap_id).label("gap_id"),
        (Case.due_at if due is None else due).label("due_at"),
        (Case.updated_at if since is None else since).label("since"),
    )


def _case_branches(filters, user, ordered: bool) -> list:
    """Return the SELECTs of waiting cases, each ordered and limited when `ordered`."""
    if filters.kind == GAP_KIND:
        return []
    limit = bindparam("limit")
    branches = []
    for group in groups_for(user, filters.kind):
        base = select(*_columns()).where(*_case_filters(group, filters))
        if filters.overdue:
            base = base.where(Case.due_at < bindparam("now"))
        if filters.escalated:
            base = base.where(Case.due_at < bindparam("escalation_limit"))
        if filters.changed_since is not None:
            base = base.where(Case.updated_at >= bindparam("since"))
        if not ordered:
            branches.append(base)
        elif filters.sort in ("oldest", "newest"):
            order = (Case.updated_at, Case.id)
            if filters.sort == "newest":
                order = tuple(c.desc() for c in order)
            branches.append(base.order_by(*order).limit(limit))
        else:
            branches.append(
                base.where(Case.due_at.is_not(None))
                .order_by(Case.due_at, Case.updated_at, Case.id)
                .limit(limit)
            )
            if not (filters.overdue or filters.escalated):
                branches.append(
                    base.where(Case.due_at.is_(None))
                    .order_by(Case.updated_at, Case.id)
                    .limit(limit)
                )
    return branches


def _gap_branch(filters, ordered: bool):
    """Return the SELECT of unresolved mentoring gaps, or None when the filters exclude them."""
    from ..mentoring.models import MentoringGap

    if filters.kind not in ("", GAP_KIND) or filters.overdue or filters.escalated:
        return None
    stmt = (
        select(
            *_columns(
                gap_id=MentoringGap.id,
                due=cast(null(), UTCDateTime()),
                since=MentoringGap.created_at,
                case_id=Application.case_id,
            )
        )
        .join(Application, Application.id == MentoringGap.application_id)
        .where(MentoringGap.resolved_at.is_(None), *_common(Application.case_id, filters))
    )
    if filters.changed_since is not None:
        stmt = stmt.where(MentoringGap.created_at >= bindparam("since"))
    if not ordered:
        return stmt
    desc = filters.sort == "newest"
    order = (MentoringGap.created_at, MentoringGap.id)
    return stmt.order_by(*(c.desc() if desc else c for c in order)).limit(bindparam("limit"))


def _branches(filters, user, ordered: bool) -> list:
    branches = _case_branches(filters, user, ordered)
    gaps = _gap_branch(filters, ordered)
    return branches if gaps is None else [*branches, gaps]


def _shape(what: str, filters, user) -> tuple:
    """Return what decides a statement's structure (its values are bound parameters)."""
    return (
        what,
        bool(getattr(user, "can_sign", False)),
        filters.kind,
        filters.city is not None,
        filters.scope,
        filters.overdue,
        filters.escalated,
        filters.sort,
        filters.changed_since is not None,
    )


def _cached(shape: tuple, build):
    """Return the statement of `shape`, built once per loaded set of workflow definitions.

    Building the union of some sixty SELECTs costs more than running it (tens of ms of
    SQLAlchemy's Python); with every value a bound parameter, one statement per shape of
    the filters serves every request.
    """
    cache = workflows().__dict__.setdefault("_inbox_statements", {})
    if shape not in cache:
        cache[shape] = build()
    return cache[shape]


def parameters(filters, user, now, holders, *, limit: int = 0) -> dict:
    """Return the values of the bound parameters of the page, keys and count statements."""
    city = filters.city
    return {
        "user_id": user.id,
        "now": now,
        "escalation_limit": escalation_limit(now),
        "since": filters.changed_since,
        "holders": list(holders),
        "cities": [city] if isinstance(city, int) else list(city or ()),
        "limit": limit,
    }


def _keys_statement(filters, user):
    branches = _branches(filters, user, ordered=True)
    if not branches:
        return select(*_columns()).where(false()).limit(bindparam("page_limit"))
    # SQLite allows ORDER BY and LIMIT only on the whole compound: wrap each branch.
    keys = union_all(*(select(*b.subquery().c) for b in branches)).subquery()
    if filters.sort == "oldest":
        order = (keys.c.since, keys.c.case_id, keys.c.gap_id)
    elif filters.sort == "newest":
        order = (keys.c.since.desc(), keys.c.case_id.desc(), keys.c.gap_id.desc())
    else:
        order = (
            keys.c.due_at.is_(None),
            keys.c.due_at,
            keys.c.since,
            keys.c.case_id,
            keys.c.gap_id,
        )
    return (
        select(keys.c.case_id, keys.c.gap_id)
        .order_by(*order)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))
    )


def page_keys(filters, user, now, holders, *, per_page: int, page: int) -> list:
    """Return the keys (case_id, gap_id) of the page, one row more than it shows ("next")."""
    stmt = _cached(_shape("keys", filters, user), lambda: _keys_statement(filters, user))
    values = parameters(filters, user, now, holders, limit=page * per_page + 1)
    values |= {"page_limit": per_page + 1, "page_offset": (page - 1) * per_page}
    return db.session.execute(stmt, values).all()


def _count_statement(filters, user):
    branches = _branches(filters, user, ordered=False)
    if not branches:
        return select(func.count()).where(false())
    counted = union_all(*branches).limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(counted)


def count_tasks(filters, user, now, holders, cap: int) -> int:
    """Return the number of tasks the filters select, counted up to `cap` + 1."""
    stmt = _cached(_shape("count", filters, user), lambda: _count_statement(filters, user))
    return db.session.scalar(stmt, parameters(filters, user, now, holders) | {"cap": cap + 1})
