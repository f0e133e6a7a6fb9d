"""Legal periods: made known by post or retrieval (§ 41 VwVfG), the action period (§ 74 VwGO)."""

from datetime import date

import pytest

from antrag.law.periods import (
    POSTAL_FICTION_DAYS,
    SERVICE_FICTION_SHIFTS_TO_WORKING_DAY,
    action_period_end,
    made_known_by_post,
    made_known_electronically,
    retrieval_deadline,
)

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


@pytest.mark.parametrize(
    ("posted", "made_known"),
    [
        (date(2019, 5, 14), date(2019, 5, 17)),  # the third day until 2024
        (date(2024, 12, 30), date(2025, 1, 2)),
        (date(2024, 12, 31), date(2025, 1, 3)),  # posted in 2024: still three days
        (date(2025, 1, 1), date(2025, 1, 5)),  # the fourth day from 2025 (PostModG)
        (date(2025, 1, 27), date(2025, 1, 31)),
        (date(2025, 12, 22), date(2025, 12, 26)),  # not moved off a holiday
    ],
)
def test_made_known_by_post_on_the_third_then_the_fourth_day(posted, made_known):
    assert made_known_by_post(posted) == made_known


def test_the_fictitious_day_stays_on_a_weekend_by_default():
    assert SERVICE_FICTION_SHIFTS_TO_WORKING_DAY is False
    assert made_known_by_post(date(2025, 1, 1)) == date(2025, 1, 5)  # a Sunday


@pytest.mark.parametrize(
    ("posted", "made_known"),
    [
        (date(2025, 1, 1), date(2025, 1, 6)),  # Sunday to Monday (Epiphany is no holiday here)
        (date(2025, 12, 22), date(2025, 12, 29)),  # 26 Dec, a Friday, to Monday
        (date(2025, 1, 27), date(2025, 1, 31)),  # a Friday stays
    ],
)
def test_the_fictitious_day_can_be_moved_to_the_next_working_day(posted, made_known):
    assert made_known_by_post(posted, shift_to_working_day=True) == made_known


def test_the_postal_fiction_table_is_ordered_and_sourced():
    starts = [start for start, _, _ in POSTAL_FICTION_DAYS]
    assert starts == sorted(starts)
    assert all("VwVfG" in source for _, _, source in POSTAL_FICTION_DAYS)


@pytest.mark.parametrize(
    ("retrieved", "made_known"),
    [
        (date(2025, 3, 3), date(2025, 3, 4)),
        (date(2025, 12, 31), date(2026, 1, 1)),  # the day after, even a holiday
    ],
)
def test_made_known_electronically_the_day_after_retrieval(retrieved, made_known):
    assert made_known_electronically(retrieved) == made_known


@pytest.mark.parametrize(
    ("provided", "last_day"),
    [
        (date(2025, 3, 3), date(2025, 3, 13)),
        (date(2025, 2, 25), date(2025, 3, 7)),
    ],
)
def test_retrieval_deadline_is_the_tenth_day_after_provision(provided, last_day):
    assert retrieval_deadline(provided) == last_day


@pytest.mark.parametrize(
    ("made_known", "end"),
    [
        (date(2025, 5, 14), date(2025, 6, 16)),  # 14 June is a Saturday
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 February; a Friday
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year, a Thursday
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
        (date(2025, 2, 28), date(2025, 3, 28)),  # same number, not the month's end
        (date(2026, 4, 25), date(2026, 5, 26)),  # Pfingstmontag
        (date(2025, 5, 19), date(2025, 6, 20)),  # Fronleichnam, a Thursday
        (date(2023, 10, 1), date(2023, 11, 2)),  # Allerheiligen, a Wednesday
        (date(2024, 11, 25), date(2024, 12, 27)),  # 25 and 26 December
        (date(2025, 11, 25), date(2025, 12, 29)),  # 25, 26 December, then the weekend
        (date(2025, 12, 15), date(2026, 1, 15)),  # over the turn of the year
    ],
)
def test_the_action_period_ends_a_month_later_on_a_working_day(made_known, end):
    assert action_period_end(made_known) == end


@pytest.mark.parametrize(
    ("posted", "made_known", "end"),
    [
        # The examples: posted on a Tuesday in 2019 (three days) ...
        (date(2019, 5, 14), date(2019, 5, 17), date(2019, 6, 17)),  # 17 June 2019: Monday
        # ... and on a Thursday in 2025 (four days, over the month's end and a weekend).
        (date(2025, 7, 31), date(2025, 8, 4), date(2025, 9, 4)),
        (date(2024, 12, 27), date(2024, 12, 30), date(2025, 1, 30)),  # posted over the new year
        (date(2025, 12, 29), date(2026, 1, 2), date(2026, 2, 2)),
    ],
)
def test_posting_day_to_the_end_of_the_action_period(posted, made_known, end):
    assert made_known_by_post(posted) == made_known
    assert action_period_end(made_known) == end


@pytest.mark.parametrize(
    ("made_known", "end"),
    [
        (date(2019, 5, 17), date(2020, 5, 18)),  # 17 May 2020 is a Sunday
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February in 2025
        (date(2025, 8, 4), date(2026, 8, 4)),
        (date(2024, 12, 25), date(2025, 12, 29)),  # Christmas, then the weekend
    ],
)
def test_wrong_instructions_make_the_period_one_year(made_known, end):
    assert action_period_end(made_known, instructions_wrong=True) == end
