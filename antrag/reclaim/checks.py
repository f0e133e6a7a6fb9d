"""Checks of the reclaim settings: the base rates must reach today, the receipt order be known.

Used by `flask check-deploy` (as warnings and errors) and by the budget page (a notice), so
that operations extend `antrag/law/data/base_rates.yaml` (or RECLAIM_BASE_RATES_FILE) after
the Bundesbank announced the rate of a new half-year (§ 247 Abs. 2 BGB).
"""

from datetime import date
from pathlib import Path

from ..law.interest import BaseRates, base_rates, load_rates
from .receipts import ORDERS


def rates_for(config) -> BaseRates:
    """Return the base rates the settings name (RECLAIM_BASE_RATES_FILE, else the shipped)."""
    path = config.get("RECLAIM_BASE_RATES_FILE")
    return load_rates(Path(path)) if path else base_rates()


def rates_end_before(config, today: date) -> date | None:
    """Return the last day of the known base rates if it lies before `today`, else None."""
    known_until = rates_for(config).known_until
    return known_until if known_until < today else None


def reclaim_problems(config, today: date) -> list[tuple[str, str, str]]:
    """Return (setting, level, message) for each reclaim setting worth a look before release."""
    problems = []
    order = config.get("RECLAIM_RECEIPT_ORDER", "costs,interest,principal")
    if order not in ORDERS:
        problems.append(
            (
                "RECLAIM_RECEIPT_ORDER",
                "error",
                f"unknown receipt order {order!r} (one of {', '.join(ORDERS)})",
            )
        )
    try:
        ends = rates_end_before(config, today)
    except (OSError, KeyError, ValueError) as exc:
        return problems + [("RECLAIM_BASE_RATES_FILE", "error", f"base rates unreadable: {exc}")]
    if ends is not None:
        problems.append(
            (
                "RECLAIM_BASE_RATES_FILE",
                "warning",
                f"the base rates (§ 247 BGB) are known until {ends.isoformat()} only: interest "
                "after that day is provisional; add the Bundesbank's new rate",
            )
        )
    return problems
