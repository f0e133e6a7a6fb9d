"""Proposing mentors: the next suitable one automatically, or a chosen one for a gap.

Operations take the acting user (or the system actor of the timer), change data inside the
caller's transaction and never commit.
"""

import functools
import json
import logging
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Text, bindparam, cast, exists, func, null, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import aggregate_order_by

from .. import engine
from ..accounts.models import User
from ..applications.models import Application
from ..db_types import utcnow
from ..engine import prefetch
from ..engine.calendar import due_at
from ..engine.definitions import Mail
from ..extensions import db
from ..mail import outbox
from .matching import MentorLoad, best_mentor, parse_topics
from .models import ACTIVE_STATES, MentoringAssignment, MentoringGap

logger = logging.getLogger(__name__)
WORKFLOW = "mentoring"
ANSWER_WORKING_DAYS = 10
PROPOSED_MAIL = Mail(to="mentor", template="mentor_proposed")


class MentoringRefused(ValueError):
    """A manual proposal cannot be made as asked; the German message says why."""

    def __init__(self, message: str, field: str = "mentor"):
        super().__init__(message)
        self.message = message
        self.field = field


# The reads below are Core statements on the tables, built once with bind parameters and
# run on the session's connection after a flush (what the session's autoflush would do):
# matching needs a few columns, never the User objects.


def _active_loads(assignment, case):
    """Each mentor's active assignments, as a subquery (mentor_id, n)."""
    return (
        select(assignment.c.mentor_id, func.count().label("n"))
        .join(case, case.c.id == assignment.c.case_id)
        .where(case.c.state.in_(ACTIVE_STATES))
        .group_by(assignment.c.mentor_id)
        .subquery()
    )


@functools.cache
def _loads_statement():
    """Every mentor account's matching columns with its active assignments (built once)."""
    user = User.__table__
    columns, joined = _load_parts(user)
    return select(*columns).select_from(joined).where(user.c.role == "mentor").order_by(user.c.id)


def _load_parts(user):
    """A mentor's matching columns on the user table `user`, and what they select from."""
    assignment, case = MentoringAssignment.__table__, engine.Case.__table__
    active = _active_loads(assignment, case)
    columns = (
        user.c.id,
        user.c.mentor_capacity,
        user.c.mentor_topics,
        user.c.active,
        func.coalesce(active.c.n, 0).label("active_assignments"),
    )
    return columns, user.outerjoin(active, active.c.mentor_id == user.c.id)


def _tried(user, application_id):
    """Whether the mentor of `user`'s row was proposed for `application_id` before."""
    assignment = MentoringAssignment.__table__
    return (
        exists()
        .where(assignment.c.mentor_id == user.c.id, assignment.c.application_id == application_id)
        .correlate_except(assignment)
    )


@functools.cache
def _candidates_statement():
    """The mentor loads plus, for one application, whether each mentor was tried and how many
    proposals it had (the same on every row): one statement for the automatic proposal."""
    user = User.__table__
    application_id = bindparam("application_id", type_=MentoringAssignment.application_id.type)
    tried = _tried(user, application_id).label("tried")
    return _loads_statement().add_columns(tried, _proposals(application_id).label("proposals"))


def _proposals(application_id):
    assignment = MentoringAssignment.__table__
    return (
        select(func.count())
        .select_from(assignment)
        .where(assignment.c.application_id == application_id)
        .scalar_subquery()
    )


class Candidate(NamedTuple):
    """A row of `_candidates_statement`, as the approval's load drew it (`CANDIDATES`)."""

    id: int
    mentor_capacity: int
    mentor_topics: str
    active: bool
    active_assignments: int
    tried: bool


def _candidates_column(model):
    """What `propose_next` reads, correlated with an application's row (PostgreSQL): the
    candidates as a JSON array of `Candidate`s and the proposals so far, as text."""
    if model is not Application:
        return None
    user = User.__table__.alias("mentor")
    columns, joined = _load_parts(user)
    member = func.json_build_array(*columns, _tried(user, Application.id))
    rows = (
        select(func.json_agg(aggregate_order_by(member, user.c.id)))
        .select_from(joined)
        .where(user.c.role == "mentor")
        .scalar_subquery()
    )
    return cast(func.json_build_array(rows, _proposals(Application.id)), Text)


def _keep_candidates(application, drawn) -> None:
    rows, proposals = json.loads(drawn)
    found = [Candidate(*row) for row in rows or ()]
    prefetch.note(("mentor_candidates", application.id), (found, proposals))


# Drawn with the approval's load: the approval moves the application's case, which no
# mentor's load counts, so what the load read is what `propose_next` would read.
CANDIDATES = prefetch.Prefetch("mentor_candidates", _candidates_column, _keep_candidates)


@functools.cache
def _proposals_statement():
    """How many mentors were proposed for one application so far (built once)."""
    return select(_proposals(bindparam("application_id")))


def _read(statement, params: dict | None = None):
    """Run a prebuilt Core read in the session's transaction, its pending changes flushed."""
    db.session.flush()
    return db.session.connection().execute(statement, params)


def _load(row) -> MentorLoad:
    return MentorLoad(
        id=row.id,
        capacity=row.mentor_capacity or 0,
        active_assignments=row.active_assignments,
        topics=parse_topics(row.mentor_topics),
        active=row.active,
    )


def mentor_loads() -> list[MentorLoad]:
    """Return every mentor account with its capacity, active assignments and topics."""
    return [_load(row) for row in _read(_loads_statement())]


def fields_of_action(application) -> set[str]:
    """Return the fields of action of the application's projects."""
    return {p.field_of_action for p in application.projects if p.field_of_action}


def propose_next(application, actor, now: datetime | None = None) -> MentoringAssignment | None:
    """Propose the most suitable untried mentor and return the assignment, or flag a gap
    and return None."""
    now = now or utcnow()
    rows, proposals = _candidates(application)
    tried = {row.id for row in rows if row.tried}  # mentors proposed before, whatever the outcome
    chosen = best_mentor(map(_load, rows), fields_of_action(application), tried)
    if chosen is None:
        record_gap(application, now)
        return None
    mentor = db.session.get(User, chosen.id)
    return propose(application, mentor, actor, now, attempt=1 + proposals)


def _candidates(application) -> tuple[list, int]:
    """Return the mentors' loads with whether each was tried, and the proposals so far: as
    the approval's load drew them (once), else read now."""
    drawn = prefetch.noted(("mentor_candidates", application.id), take=True)
    if drawn is not prefetch.MISSING:
        return drawn
    rows = _read(_candidates_statement(), {"application_id": application.id}).all()
    return rows, rows[0].proposals if rows else 0


def propose(
    application, mentor: User, actor, now: datetime | None = None, *, attempt: int | None = None
) -> MentoringAssignment:
    """Start an assignment case for `mentor`, due in 10 working days, and mail the mentor.

    `attempt` is the number of this proposal for the application, counted when not given.
    """
    now = now or utcnow()
    if attempt is None:
        params = {"application_id": application.id}
        attempt = 1 + _read(_proposals_statement(), params).scalar_one()
    assignment = MentoringAssignment(
        application=application,
        municipality_id=application.municipality_id,
        mentor=mentor,
        attempt=attempt,
        created_at=now,
    )
    case = engine.start(WORKFLOW, assignment, actor)
    case.due_at = due_at(now, ANSWER_WORKING_DAYS, "working_days")
    case.assignee_id = mentor.id
    db.session.flush()
    outbox.enqueue(case, assignment, PROPOSED_MAIL, actor=actor)
    logger.info(
        "Mentor %s proposed for application %s (attempt %s)", mentor.id, application.id, attempt
    )
    return assignment


@functools.cache
def _gap_upsert(dialect: str):
    """Flag a gap, or reopen the application's old flag, in one statement (built once)."""
    table = MentoringGap.__table__
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](table)
    return insert.on_conflict_do_update(
        index_elements=[table.c.application_id],
        set_={"created_at": insert.excluded.created_at, "resolved_at": null()},
    ).returning(table.c.id)


def record_gap(application, now: datetime) -> int:
    """Flag that no suitable mentor is left for the application (reopening an old flag);
    return the gap's id."""
    connection = db.session.connection()
    gap_id = connection.execute(
        _gap_upsert(connection.dialect.name),
        {"application_id": application.id, "created_at": now},
    ).scalar_one()
    loaded = db.session.identity_map.get(db.session.identity_key(MentoringGap, gap_id))
    if loaded is not None:  # written behind the session's back: read it again when asked
        db.session.expire(loaded, ["created_at", "resolved_at"])
    logger.info("No mentor left for application %s: gap flagged", application.id)
    return gap_id


def open_gaps() -> list[MentoringGap]:
    """Return the unresolved gaps, oldest first."""
    return list(
        db.session.scalars(
            select(MentoringGap)
            .where(MentoringGap.resolved_at.is_(None))
            .order_by(MentoringGap.created_at, MentoringGap.id)
        )
    )


def propose_for_gap(actor, gap: MentoringGap, mentor_id: int | None) -> MentoringAssignment:
    """Let the ministry propose a chosen mentor with free capacity for a flagged gap."""
    if gap.resolved_at is not None:
        raise MentoringRefused(
            _("Für diese Kommune ist bereits wieder ein Mentoring vorgeschlagen.")
        )
    load = next((m for m in mentor_loads() if m.id == mentor_id), None)
    if load is None or not load.active:
        raise MentoringRefused(
            _("Bitte wählen Sie eine aktive Mentorin oder einen aktiven Mentor.")
        )
    if load.active_assignments >= load.capacity:
        raise MentoringRefused(
            ngettext(
                "Diese Person hat keine freie Kapazität mehr "
                "(%(taken)s von %(num)s Mentoring belegt).",
                "Diese Person hat keine freie Kapazität mehr "
                "(%(taken)s von %(num)s Mentorings belegt).",
                load.capacity,
                taken=load.active_assignments,
            )
        )
    now = utcnow()
    assignment = propose(gap.application, db.session.get(User, mentor_id), actor, now)
    gap.resolved_at = now
    db.session.flush()
    logger.info("Gap %s resolved by %s:%s", gap.id, actor.role, actor.id)
    return assignment
