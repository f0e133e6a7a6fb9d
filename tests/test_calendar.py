"""Rhineland-Palatinate's public holidays (from the `holidays` library), working days, due dates."""

from datetime import UTC, date, datetime

import pytest

from antrag.engine.calendar import (
    add_months,
    add_working_days,
    due_at,
    is_working_day,
    public_holidays,
)

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


# Karfreitag, Ostermontag, Christi Himmelfahrt, Pfingstmontag, Fronleichnam
@pytest.mark.parametrize(
    ("year", "days"),
    [
        (2019, [(4, 19), (4, 22), (5, 30), (6, 10), (6, 20)]),
        (2024, [(3, 29), (4, 1), (5, 9), (5, 20), (5, 30)]),
        (2025, [(4, 18), (4, 21), (5, 29), (6, 9), (6, 19)]),
        (2026, [(4, 3), (4, 6), (5, 14), (5, 25), (6, 4)]),
    ],
)
def test_easter_based_holidays(year, days):
    holidays = public_holidays(year)

    assert {date(year, m, d) for m, d in days} <= holidays


RLP_HOLIDAYS = {
    2019: [(1, 1), (4, 19), (4, 22), (5, 1), (5, 30), (6, 10), (6, 20), (10, 3), (11, 1),
           (12, 25), (12, 26)],
    2025: [(1, 1), (4, 18), (4, 21), (5, 1), (5, 29), (6, 9), (6, 19), (10, 3), (11, 1),
           (12, 25), (12, 26)],
    2026: [(1, 1), (4, 3), (4, 6), (5, 1), (5, 14), (5, 25), (6, 4), (10, 3), (11, 1),
           (12, 25), (12, 26)],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(RLP_HOLIDAYS))
def test_the_holidays_of_rhineland_palatinate_are_exactly_these(year):
    assert public_holidays(year) == {date(year, m, d) for m, d in RLP_HOLIDAYS[year]}


@pytest.mark.parametrize("year", [2019, 2024, 2025])
def test_fixed_holidays_of_rhineland_palatinate(year):
    fixed = {(1, 1), (5, 1), (10, 3), (11, 1), (12, 25), (12, 26)}

    holidays = public_holidays(year)

    assert {date(year, m, d) for m, d in fixed} <= holidays
    assert len(holidays) == 11


@pytest.mark.parametrize(
    "day",
    [
        date(2019, 1, 6),  # Heilige Drei Könige: Baden-Württemberg, Bavaria, Saxony-Anhalt
        date(2026, 1, 6),
        date(2025, 10, 31),  # Reformationstag: a holiday in the north and east only
        date(2026, 10, 31),
        date(2025, 4, 20),  # Ostersonntag: a holiday in Brandenburg only
        date(2026, 5, 24),  # Pfingstsonntag
        date(2019, 8, 15),  # Mariä Himmelfahrt: Saarland, Bavaria
        date(2019, 10, 31),  # Reformationstag: not in Rhineland-Palatinate
        date(2019, 11, 20),  # Buß- und Bettag: Saxony
        date(2019, 12, 24),
    ],
)
def test_days_that_are_not_holidays_here(day):
    assert day not in public_holidays(day.year)


def test_reformation_day_2017_was_a_holiday_everywhere():
    assert date(2017, 10, 31) in public_holidays(2017)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2019, 5, 14), True),
        (date(2019, 5, 18), False),  # Saturday
        (date(2019, 5, 19), False),  # Sunday
        (date(2019, 6, 20), False),  # Fronleichnam, a Thursday
        (date(2024, 11, 1), False),  # Allerheiligen, a Friday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        (date(2019, 5, 14), 0, date(2019, 5, 14)),
        (date(2019, 5, 14), 1, date(2019, 5, 15)),
        (date(2019, 5, 17), 1, date(2019, 5, 20)),  # Friday to Monday
        (date(2019, 5, 18), 1, date(2019, 5, 20)),  # Saturday to Monday
        (date(2019, 4, 18), 1, date(2019, 4, 23)),  # over Easter
        (date(2019, 12, 24), 1, date(2019, 12, 27)),  # over Christmas
        (date(2024, 10, 31), 1, date(2024, 11, 4)),  # Allerheiligen on a Friday
        (date(2017, 10, 30), 1, date(2017, 11, 2)),  # Reformationstag 2017 and Allerheiligen
        (date(2019, 5, 20), 10, date(2019, 6, 4)),  # a mentor's ten days, over Ascension
    ],
)
def test_add_working_days(start, count, end):
    assert add_working_days(start, count) == end


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2019, 5, 14), 1, date(2019, 6, 14)),
        (date(2019, 12, 15), 1, date(2020, 1, 15)),
        (date(2019, 1, 31), 1, date(2019, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),  # leap year
        (date(2019, 3, 31), 1, date(2019, 4, 30)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2019, 10, 31), 14, date(2020, 12, 31)),
        (date(2019, 3, 31), -1, date(2019, 2, 28)),
        (date(2019, 1, 15), -3, date(2018, 10, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, end):
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("now", "amount", "unit", "due"),
    [
        # 28 days from 20 March 2019 end on 17 April, in summer time (UTC+2)
        (datetime(2019, 3, 20, 12, tzinfo=UTC), 28, "days", datetime(2019, 4, 17, 21, 59, 59)),
        # 23:30 UTC on 13 May is already 14 May in Berlin
        (datetime(2019, 5, 13, 23, 30, tzinfo=UTC), 1, "days", datetime(2019, 5, 15, 21, 59, 59)),
        # winter time (UTC+1)
        (datetime(2019, 1, 10, 9, tzinfo=UTC), 1, "months", datetime(2019, 2, 10, 22, 59, 59)),
        (
            datetime(2019, 5, 20, 9, tzinfo=UTC),
            10,
            "working_days",
            datetime(2019, 6, 4, 21, 59, 59),
        ),
    ],
)
def test_due_at_is_the_end_of_the_berlin_day(now, amount, unit, due):
    assert due_at(now, amount, unit) == due.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # issued (= posted) Tue 12 Nov 2024: known Fri 15 Nov (3 days), period ends Mon 16 Dec
        (datetime(2024, 11, 12, 9, tzinfo=UTC), datetime(2024, 12, 16, 22, 59, 59)),
        # posted Mon 27 Jan 2025: known Fri 31 Jan (4 days), period ends Fri 28 Feb
        (datetime(2025, 1, 27, 9, tzinfo=UTC), datetime(2025, 2, 28, 22, 59, 59)),
        # posted Tue 28 Apr 2026: known Sat 2 May, end Tue 2 Jun 2026 (summer time)
        (datetime(2026, 4, 28, 9, tzinfo=UTC), datetime(2026, 6, 2, 21, 59, 59)),
    ],
)
def test_due_at_an_action_period_runs_from_the_day_made_known_by_post(now, due):
    assert due_at(now, 1, "action_period") == due.replace(tzinfo=UTC)


def test_due_at_an_action_period_can_run_from_a_fiction_moved_to_a_working_day():
    # posted Tue 28 Apr 2026: known Sat 2 May, moved to Mon 4 May; the end is Thu 4 Jun,
    # Fronleichnam, so Fri 5 Jun
    due = due_at(datetime(2026, 4, 28, 9, tzinfo=UTC), 1, "action_period", True)

    assert due == datetime(2026, 6, 5, 21, 59, 59, tzinfo=UTC)


def test_due_at_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="weeks"):
        due_at(datetime(2019, 5, 14, tzinfo=UTC), 2, "weeks")
