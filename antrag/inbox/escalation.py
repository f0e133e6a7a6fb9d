"""Escalation: a task overdue by ESCALATION_WORKING_DAYS working days goes to the head of unit.

Working days follow Rhineland-Palatinate's public holidays (antrag.law.public_holidays, via
the engine's calendar), the same days the workflows' deadlines count.
"""

from datetime import date, datetime, time, timedelta

from flask import current_app

from ..engine.calendar import BERLIN, add_working_days
from ..engine.models import Case


def escalation_cutoff(today: date, working_days: int) -> date:
    """Return the latest due day that is overdue by `working_days` working days on `today`.

    A task due on a day D is escalated once D plus that many working days has been reached.
    """
    day = today
    while add_working_days(day, working_days) > today:
        day -= timedelta(days=1)
    return day


def escalation_limit(now: datetime) -> datetime:
    """Return the instant before which a due date is overdue long enough to escalate."""
    today = now.astimezone(BERLIN).date()
    cutoff = escalation_cutoff(today, current_app.config["ESCALATION_WORKING_DAYS"])
    return datetime.combine(cutoff + timedelta(days=1), time(0), tzinfo=BERLIN)


def escalated(now: datetime):
    """Return the SQL condition: the case's due date is overdue long enough to escalate."""
    return Case.due_at < escalation_limit(now)


def is_escalated(due_at: datetime | None, now: datetime) -> bool:
    """Return whether a due date is overdue long enough to escalate (for one row)."""
    if due_at is None:
        return False
    today = now.astimezone(BERLIN).date()
    cutoff = escalation_cutoff(today, current_app.config["ESCALATION_WORKING_DAYS"])
    return due_at.astimezone(BERLIN).date() <= cutoff
