"""Due dates: calendar days, months, Rhineland-Palatinate working days and action periods.

The holidays and the legal periods themselves live in `antrag.law`, with their sources.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..law.periods import action_period_end, add_months, made_known_by_post
from ..law.public_holidays import is_working_day, public_holidays

BERLIN = ZoneInfo("Europe/Berlin")

__all__ = [
    "BERLIN",
    "add_months",
    "add_working_days",
    "due_at",
    "is_working_day",
    "public_holidays",
]


def add_working_days(start: date, count: int) -> date:
    """Return the day that is `count` working days after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def due_at(now: datetime, amount: int, unit: str, service_fiction_shifts: bool = False) -> datetime:
    """Return the end (23:59:59 Berlin time) of the day the period ends on, in UTC terms.

    The unit `action_period` is the months-long period for an action against a notice
    posted today (`now`): it runs from the day the notice counts as made known by post.
    """
    today = now.astimezone(BERLIN).date()
    if unit == "days":
        day = today + timedelta(days=amount)
    elif unit == "working_days":
        day = add_working_days(today, amount)
    elif unit == "months":
        day = add_months(today, amount)
    elif unit == "action_period":
        day = action_period_end(made_known_by_post(today, service_fiction_shifts), amount)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    return datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)
