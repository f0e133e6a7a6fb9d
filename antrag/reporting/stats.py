"""Order statistics of the dashboard: the median and the nearest-rank percentile."""

import math
from collections.abc import Sequence
from statistics import median as _median


def median(values: Sequence[float]) -> float | None:
    """Return the median (the mean of the two middle values for an even count), None if empty."""
    return _median(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Return the p-th percentile by the nearest-rank method: the value at rank ⌈p/100 · n⌉."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("p must lie in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(p * len(ordered) / 100)  # p·n first: exact for whole-number p
    return ordered[rank - 1]
