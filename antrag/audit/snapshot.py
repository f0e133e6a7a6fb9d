"""The decisive data of a case's subject as canonical JSON, and its SHA-256.

Each subject model (application, notice, …) has `decisive_data() -> dict` with JSON-safe
values built with the helpers below (amounts as "1234.50", dates ISO, moments in UTC with
microseconds). The engine stores the canonical JSON of it after every transition
(`history_entry.subject_snapshot`) and its SHA-256 (`history_entry.subject_hash`); both
are covered by the entry's hash. A subject without the method is not covered (None).
"""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    """Return an amount as a string exact to the cent ("60750.00"), or None."""
    return None if value is None else format(Decimal(value).quantize(CENT), "f")


def day(value: date | None) -> str | None:
    """Return a date in ISO form, or None."""
    return None if value is None else value.isoformat()


def moment(value: datetime | None) -> str | None:
    """Return a moment in UTC, ISO form with microseconds, or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(data) -> str:
    """Return the canonical JSON of `data`: sorted keys, no whitespace, non-ASCII kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    """Return the hex SHA-256 of `text` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def covers(subject) -> bool:
    """Return whether `subject`'s model declares its decisive data."""
    return callable(getattr(subject, "decisive_data", None))


def snapshot_of(subject) -> tuple[str | None, str | None]:
    """Return (canonical JSON, SHA-256) of the subject's decisive data, or (None, None)."""
    if subject is None or not covers(subject):
        return None, None
    text = canonical(subject.decisive_data())
    return text, sha256(text)


def seal(entry, subject):
    """Set the entry's snapshot of `subject` (before the entry is chained and hashed)."""
    entry.subject_snapshot, entry.subject_hash = snapshot_of(subject)
    return entry
