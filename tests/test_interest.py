"""Interest on a reclaim (§ 49a Abs. 3 VwVfG): 5 points above the base rate, by day.

Expected values are worked out by hand in each test: amount × (base rate + 5) % × days /
days of the year, rounded half-up to the cent per period, the total the sum of the periods.
"""

from datetime import date
from decimal import Decimal

import pytest

from antrag.law.interest import BaseRates, base_rates, interest, load_rates

pytestmark = pytest.mark.database_agnostic
RATES = base_rates()


def _rows(result):
    return [(p.first, p.last, p.days, p.rate, p.interest) for p in result.periods]


def test_the_shipped_history_has_every_half_year_since_2002():
    starts = [start for start, _ in RATES.changes]
    expected = [date(year, month, 1) for year in range(2002, 2027) for month in (1, 7)]
    assert starts == [day for day in expected if day <= RATES.known_until]
    assert RATES.rate_on(date(2024, 3, 1)) == Decimal("3.62")
    assert RATES.rate_on(date(2026, 1, 1)) == Decimal("1.27")


def test_a_period_across_a_mid_year_change_is_split_and_rounded_per_period():
    # 16.06.–30.06.2024: 15 days at 3.62 + 5 = 8.62 %: 10,000 × 0.0862 × 15 / 365 = 35.4246…
    # 01.07.–15.07.2024: 15 days at 3.37 + 5 = 8.37 %: 10,000 × 0.0837 × 15 / 365 = 34.3972…
    result = interest(Decimal("10000.00"), date(2024, 6, 15), date(2024, 7, 15), RATES)
    assert _rows(result) == [
        (date(2024, 6, 16), date(2024, 6, 30), 15, Decimal("8.62"), Decimal("35.42")),
        (date(2024, 7, 1), date(2024, 7, 15), 15, Decimal("8.37"), Decimal("34.40")),
    ]
    assert result.total == Decimal("69.82")


def test_the_day_count_convention_matters_in_a_leap_year():
    # 22.–31.12.2023: 10 days at 3.12 + 5 = 8.12 %: 5,000 × 0.0812 × 10 / 365 = 11.1232…
    # 01.–10.01.2024: 10 days at 3.62 + 5 = 8.62 %: 5,000 × 0.0862 × 10 / 366 = 11.7759…
    # (act/365: / 365 = 11.8082… → 11.81)
    start, end = date(2023, 12, 21), date(2024, 1, 10)
    actual = interest(Decimal("5000.00"), start, end, RATES, "act/act")
    assert [p.interest for p in actual.periods] == [Decimal("11.12"), Decimal("11.78")]
    assert actual.total == Decimal("22.90")
    assert interest(Decimal("5000.00"), start, end, RATES).total == Decimal("22.93")


def test_a_negative_base_rate_still_gives_positive_interest():
    # 01.–02.07.2022: 2 days at −0.88 + 5 = 4.12 %: 1,000 × 0.0412 × 2 / 365 = 0.2257… → 0.23
    result = interest(Decimal("1000.00"), date(2022, 6, 30), date(2022, 7, 2), RATES)
    assert _rows(result) == [
        (date(2022, 7, 1), date(2022, 7, 2), 2, Decimal("4.12"), Decimal("0.23"))
    ]


def test_a_year_across_three_rates_and_a_new_year():
    # 01.02.–30.06.2025: 150 days at 2.27 + 5 = 7.27 %: 12,345.67 × 0.0727 × 150 / 365 = 368.848…
    # 01.07.–31.12.2025: 184 days at 1.27 + 5 = 6.27 %: 12,345.67 × 0.0627 × 184 / 365 = 390.217…
    # 01.01.–15.02.2026:  46 days at 1.27 + 5 = 6.27 %: 12,345.67 × 0.0627 × 46 / 365 = 97.554…
    result = interest(Decimal("12345.67"), date(2025, 1, 31), date(2026, 2, 15), RATES)
    assert [(p.days, p.rate, p.interest) for p in result.periods] == [
        (150, Decimal("7.27"), Decimal("368.85")),
        (184, Decimal("6.27"), Decimal("390.22")),
        (46, Decimal("6.27"), Decimal("97.55")),
    ]
    assert result.total == Decimal("856.62")
    assert not result.provisional


def test_no_interest_when_received_on_the_start_day():
    result = interest(Decimal("100.00"), date(2025, 3, 1), date(2025, 3, 1), RATES)
    assert result.periods == () and result.total == Decimal("0.00")


def test_days_beyond_the_known_rates_are_provisional():
    rates = BaseRates(((date(2025, 1, 1), Decimal("2.27")),), known_until=date(2025, 1, 31))
    result = interest(Decimal("3650.00"), date(2025, 1, 30), date(2025, 2, 2), rates)
    # 31.01.: 1 day, known; 01.–02.02.: 2 days, rate carried forward (3,650 × 7.27 % / 365 = 0.727)
    assert [(p.days, p.interest, p.provisional) for p in result.periods] == [
        (1, Decimal("0.73"), False),
        (2, Decimal("1.45"), True),
    ]
    assert result.provisional


def test_an_unknown_day_count_is_refused():
    with pytest.raises(ValueError, match="day count"):
        interest(Decimal("1.00"), date(2025, 1, 1), date(2025, 1, 2), RATES, "30/360")


def test_the_history_file_is_read_from_any_path(tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text('known_until: 2030-12-31\nrates:\n  - {from: 2030-01-01, rate: "1.00"}\n')
    assert load_rates(path).rate_on(date(2030, 5, 5)) == Decimal("1.00")
