"""Interest on a reclaimed grant (§ 49a Abs. 3 VwVfG) at 5 points above the base rate.

§ 49a Abs. 3 Satz 1 VwVfG: the amount to be repaid bears interest at five percentage
points above the base rate (§ 247 BGB) per year from the day the notice ceased to be
effective (here: the interest start day the reclaim decision fixes) until it is repaid.
The base rate changes on 1 January and 1 July; its history is data in
`antrag/law/data/base_rates.yaml` with the Bundesbank as source.

Counting (documented in README, "Zinsen bei Rückforderungen"):
- Interest accrues for every day after the start day up to and including the day the
  money is received (§ 187 Abs. 1 BGB: the day of the event is not counted).
- Days are grouped into periods of one rate; a period's interest is
  amount × rate × days / days of the year, rounded half-up to the cent once per period;
  the total is the sum of the rounded periods.
- Days of the year: `act/365` (365, the default) or `act/act` (365 or 366, the calendar
  year the period lies in; periods never cross a year because the rate may change on
  1 January). The convention is the setting RECLAIM_INTEREST_DAY_COUNT.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

CENT = Decimal("0.01")
POINTS_ABOVE_BASE = Decimal("5")  # § 49a Abs. 3 Satz 1 VwVfG
DAY_COUNTS = ("act/365", "act/act")
DATA = Path(__file__).parent / "data" / "base_rates.yaml"


@dataclass(frozen=True)
class BaseRates:
    """The base-rate history: (valid from, rate in percent) ascending, and how far it is known."""

    changes: tuple[tuple[date, Decimal], ...]
    known_until: date

    def rate_on(self, day: date) -> Decimal:
        """Return the base rate in percent valid on `day`."""
        found = None
        for start, rate in self.changes:
            if start > day:
                break
            found = rate
        if found is None:
            raise ValueError(f"no base rate known for {day.isoformat()}")
        return found


@dataclass(frozen=True)
class Period:
    """Days of one interest rate: first and last day counted, the rate per year, the interest."""

    first: date
    last: date
    days: int
    base_rate: Decimal
    rate: Decimal
    interest: Decimal
    provisional: bool  # a day after the base-rate data's `known_until`: rate carried forward


@dataclass(frozen=True)
class Interest:
    """An interest calculation: its periods and the total (the sum of the rounded periods)."""

    amount: Decimal
    start: date
    end: date
    periods: tuple[Period, ...]
    total: Decimal

    @property
    def provisional(self) -> bool:
        """Whether a period lies beyond the known base rates (its rate is carried forward)."""
        return any(period.provisional for period in self.periods)


def load_rates(path: Path = DATA) -> BaseRates:
    """Read the base-rate history from its YAML file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    changes = sorted((row["from"], Decimal(str(row["rate"]))) for row in raw["rates"])
    return BaseRates(tuple(changes), raw["known_until"])


@cache
def base_rates() -> BaseRates:
    """Return the base-rate history shipped with Antrag (read once)."""
    return load_rates()


def _year_days(day: date, day_count: str) -> int:
    if day_count == "act/365":
        return 365
    if day_count == "act/act":
        return 366 if (date(day.year, 12, 31) - date(day.year, 1, 1)).days == 365 else 365
    raise ValueError(f"unknown day count {day_count!r} (one of {', '.join(DAY_COUNTS)})")


def _boundaries(rates: BaseRates, first: date, last: date) -> list[date]:
    """Return the days in (first, last] on which a new period starts (rate change, new year)."""
    days = {start for start, _ in rates.changes if first < start <= last}
    days |= {date(year, 1, 1) for year in range(first.year + 1, last.year + 1)}
    provisional_from = rates.known_until + timedelta(days=1)
    if first < provisional_from <= last:
        days.add(provisional_from)
    return sorted(days)


def interest(
    amount: Decimal, start: date, end: date, rates: BaseRates, day_count: str = "act/365"
) -> Interest:
    """Return the interest on `amount` for the days after `start` up to and including `end`."""
    _year_days(start, day_count)  # refuse an unknown convention even for an empty period
    if end <= start:
        return Interest(amount, start, end, (), Decimal("0.00"))
    first, last = start + timedelta(days=1), end
    periods = []
    starts = [first, *_boundaries(rates, first, last)]
    for index, period_first in enumerate(starts):
        period_last = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else last
        base = rates.rate_on(period_first)
        rate = base + POINTS_ABOVE_BASE
        days = (period_last - period_first).days + 1
        exact = amount * rate / 100 * days / _year_days(period_first, day_count)
        periods.append(
            Period(
                first=period_first,
                last=period_last,
                days=days,
                base_rate=base,
                rate=rate,
                interest=exact.quantize(CENT, rounding=ROUND_HALF_UP),
                provisional=period_first > rates.known_until,
            )
        )
    total = sum((p.interest for p in periods), Decimal("0.00"))
    return Interest(amount, start, end, tuple(periods), total)
