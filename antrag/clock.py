"""The application's clock: real time, or a frozen time for demo data and tests.

Every "now" in Antrag comes from `now()`, so that seeding a past story or testing a
deadline can travel in time without patching the standard library.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen: ContextVar[datetime | None] = ContextVar("antrag_frozen_now", default=None)


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    frozen = _frozen.get()
    return frozen if frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime):
    """Freeze `now()` at `moment` (aware) inside the block."""
    if moment.tzinfo is None:
        raise ValueError("pass an aware datetime")
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _frozen.reset(token)
