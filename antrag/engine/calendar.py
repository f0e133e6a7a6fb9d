"""Due dates: calendar days, months and Rhineland-Palatinate working days."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of `year` (Gregorian calendar, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Return the statutory public holidays of Rhineland-Palatinate in `year`."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),  # Neujahr
        easter - timedelta(days=2),  # Karfreitag
        easter + timedelta(days=1),  # Ostermontag
        date(year, 5, 1),  # Tag der Arbeit
        easter + timedelta(days=39),  # Christi Himmelfahrt
        easter + timedelta(days=50),  # Pfingstmontag
        easter + timedelta(days=60),  # Fronleichnam
        date(year, 10, 3),  # Tag der Deutschen Einheit
        date(year, 11, 1),  # Allerheiligen
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year == 2017:
        days.add(date(2017, 10, 31))  # Reformationstag, once nationwide
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Return whether `day` is a working day (Mon–Fri, not a public holiday in RLP)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """Return the day that is `count` working days after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def add_months(start: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's last day (§ 188 BGB)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise ValueError(start)  # unreachable: every month has 28 days


def due_at(now: datetime, amount: int, unit: str) -> datetime:
    """Return the end (23:59:59 Berlin time) of the day the period ends on, in UTC terms."""
    today = now.astimezone(BERLIN).date()
    if unit == "days":
        day = today + timedelta(days=amount)
    elif unit == "working_days":
        day = add_working_days(today, amount)
    elif unit == "months":
        day = add_months(today, amount)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    return datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)
