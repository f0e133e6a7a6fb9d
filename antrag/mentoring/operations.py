"""Proposing mentors: the next suitable one automatically, or a chosen one for a gap.

Operations take the acting user (or the system actor of the timer), change data inside the
caller's transaction and never commit.
"""

import logging
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import engine
from ..accounts.models import User
from ..db_types import utcnow
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


def mentor_loads() -> list[MentorLoad]:
    """Return every mentor account with its capacity, active assignments and topics."""
    active = (
        select(MentoringAssignment.mentor_id, func.count().label("n"))
        .join(engine.Case, engine.Case.id == MentoringAssignment.case_id)
        .where(engine.Case.state.in_(ACTIVE_STATES))
        .group_by(MentoringAssignment.mentor_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, func.coalesce(active.c.n, 0))
        .outerjoin(active, active.c.mentor_id == User.id)
        .where(User.role == "mentor")
        .order_by(User.id)
    ).all()
    return [
        MentorLoad(
            id=user.id,
            capacity=user.mentor_capacity or 0,
            active_assignments=count,
            topics=parse_topics(user.mentor_topics),
            active=user.active,
        )
        for user, count in rows
    ]


def tried_mentor_ids(application_id: int) -> set[int]:
    """Return the mentors already proposed for the application, whatever the outcome."""
    return set(
        db.session.scalars(
            select(MentoringAssignment.mentor_id).where(
                MentoringAssignment.application_id == application_id
            )
        )
    )


def fields_of_action(application) -> set[str]:
    """Return the fields of action of the application's projects."""
    return {p.field_of_action for p in application.projects if p.field_of_action}


def propose_next(application, actor, now: datetime | None = None):
    """Propose the most suitable untried mentor, or flag a gap; return the assignment or gap."""
    now = now or utcnow()
    chosen = best_mentor(
        mentor_loads(), fields_of_action(application), tried_mentor_ids(application.id)
    )
    if chosen is None:
        return record_gap(application, now)
    return propose(application, db.session.get(User, chosen.id), actor, now)


def propose(application, mentor: User, actor, now: datetime | None = None) -> MentoringAssignment:
    """Start an assignment case for `mentor`, due in 10 working days, and mail the mentor."""
    now = now or utcnow()
    attempt = 1 + db.session.scalar(
        select(func.count())
        .select_from(MentoringAssignment)
        .where(MentoringAssignment.application_id == application.id)
    )
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


def record_gap(application, now: datetime) -> MentoringGap:
    """Flag that no suitable mentor is left for the application (reopening an old flag)."""
    gap = db.session.scalar(
        select(MentoringGap).where(MentoringGap.application_id == application.id)
    )
    if gap is None:
        gap = MentoringGap(application=application, created_at=now)
        db.session.add(gap)
    else:
        gap.created_at, gap.resolved_at = now, None
    db.session.flush()
    logger.info("No mentor left for application %s: gap flagged", application.id)
    return gap


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
            _(
                "Diese Person hat keine freie Kapazität mehr "
                "(%(taken)s von %(capacity)s Mentorings belegt).",
                taken=load.active_assignments,
                capacity=load.capacity,
            )
        )
    now = utcnow()
    assignment = propose(gap.application, db.session.get(User, mentor_id), actor, now)
    gap.resolved_at = now
    db.session.flush()
    logger.info("Gap %s resolved by %s:%s", gap.id, actor.role, actor.id)
    return assignment
