"""Column types shared by all models: UTC timestamps and money."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator

from . import clock


class UTCDateTime(TypeDecorator):
    """Store naive UTC in the database, hand out aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def Money():  # noqa: N802 - reads like a type in column definitions
    """Return the column type for euro amounts: exact decimals with two places."""
    return Numeric(12, 2, asdecimal=True)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (see `antrag.clock`)."""
    return clock.now()


CENT = Decimal("0.01")
