"""The timer: fire the time-outs whose due date has passed and write due-date reminders.

`tick()` is idempotent: a fired time-out moved its case on, and a written reminder is
recorded in `reminder_sent`, so running it twice does nothing more. Each case is handled
in its own transaction, so one refused case does not hold up the others.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..mail import outbox
from .core import SYSTEM, fire, subject_of
from .errors import EngineError
from .models import Case, ReminderSent
from .workflows import workflows

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What one run of the timer did."""

    fired: list[tuple[int, str]] = field(default_factory=list)  # (case id, trigger)
    reminded: list[tuple[int, str]] = field(default_factory=list)  # (case id, state)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (case id, reason)


def tick(now: datetime | None = None) -> TickReport:
    """Fire due time-outs, then write reminders for due dates coming up soon."""
    now = now or utcnow()
    report = TickReport()
    _fire_timeouts(now, report)
    _write_reminders(now, report)
    return report


def _fire_timeouts(now: datetime, report: TickReport) -> None:
    for definition in workflows().all():
        for transition in (t for t in definition.transitions if t.timeout):
            due = db.session.execute(
                select(Case.id, Case.version).where(
                    Case.workflow == definition.name,
                    Case.workflow_version == definition.version,
                    Case.state.in_(transition.sources),
                    Case.due_at <= now,
                )
            ).all()
            for case_id, version in due:
                try:
                    fire(case_id, transition.trigger, SYSTEM, version=version)
                    db.session.commit()
                    report.fired.append((case_id, transition.trigger))
                except EngineError as exc:
                    db.session.rollback()
                    report.refused.append((case_id, exc.message))
                    logger.info("Timer: case %s not moved (%s)", case_id, exc.code)


def _write_reminders(now: datetime, report: TickReport) -> None:
    horizon = now + timedelta(days=current_app.config["REMINDER_LEAD_DAYS"])
    for definition in workflows().all():
        for state in (s for s in definition.states.values() if s.reminder is not None):
            cases = db.session.scalars(
                select(Case).where(
                    Case.workflow == definition.name,
                    Case.workflow_version == definition.version,
                    Case.state == state.name,
                    Case.due_at > now,
                    Case.due_at <= horizon,
                )
            ).all()
            for case in cases:
                if _remind(case, state, definition):
                    report.reminded.append((case.id, state.name))


def _remind(case: Case, state, definition) -> bool:
    """Record and queue one reminder; False if it was written before."""
    already = db.session.scalar(
        select(ReminderSent.id).where(
            ReminderSent.case_id == case.id,
            ReminderSent.state == state.name,
            ReminderSent.due_at == case.due_at,
        )
    )
    if already is not None:
        return False
    db.session.add(ReminderSent(case_id=case.id, state=state.name, due_at=case.due_at))
    outbox.enqueue(
        case, subject_of(case, definition), state.reminder, definition=definition, state=state
    )
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent run wrote it first
        db.session.rollback()
        return False
    return True
