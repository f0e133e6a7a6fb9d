"""Compare the administrative data with the administration record (`flask audit verify`).

The record holds, for every watched object (`record.WATCHED`), its watched fields as they
were when it was created and every change since. Replaying it in order gives the value each
field must have now; `check` compares that with the rows. A value changed in the database
without the app (an UPDATE in a shell: a round's budget, an account's role, signing
authority, a mentor's capacity), a row inserted there (an account nobody created) or one
deleted there shows as a difference, named with the recorded and the current value.

Objects that existed before the record began (migration 0021) have no creation record;
`flask audit baseline` records each of them once as found (`BASELINE`), after which they are
compared like any other. A field the record never knew for an object (one that became
watched after the object's creation record) is not compared.
"""

import dataclasses
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from . import record
from .models import AdminRecord
from .scan import in_order
from .snapshot import canonical

# The `field` of a record that states an object's watched fields as found by
# `flask audit baseline` (an object older than the record); replayed like a creation.
BASELINE = "(Bestand)"
_DELETED = None  # the replayed state of an object whose deletion was recorded


@dataclass(frozen=True)
class AdminMismatch:
    """One object whose row no longer matches what the record says."""

    object_type: str
    object_id: int
    label: str
    field: str | None  # None: the whole object (see `kind`)
    recorded: str | None
    now: str | None
    kind: str = "changed"  # or one of REASONS

    def describe(self) -> str:
        where = f"{self.object_type} {self.object_id} ({self.label})"
        if self.kind != "changed":
            return f"{where}: {REASONS[self.kind]}"
        return f"{where}: {self.field}: recorded {_show(self.recorded)} → now {_show(self.now)}"


REASONS = {
    "unrecorded": "not in the administration record (inserted in the database; or older than "
    "the record, then `flask audit baseline` records it as found)",
    "deleted": "deleted in the database, but the record has no deletion",
    "undeleted": "its deletion is recorded, but the row exists",
}


@dataclass
class AdminDataReport:
    """What the comparison found: the objects compared and every mismatch."""

    compared: int = 0
    mismatches: list[AdminMismatch] = field(default_factory=list)


@dataclass
class Replayed:
    """The record replayed: (object type, id) → {field: value}, None once deleted."""

    state: dict = field(default_factory=dict)
    complete: set = field(default_factory=set)  # keys whose creation (or baseline) it holds
    labels: dict = field(default_factory=dict)  # key → the object's label in its newest record


def replayed() -> Replayed:
    """Replay the record in order (see the module's docstring)."""
    result = Replayed()
    state = result.state
    query = select(
        AdminRecord.seq,
        AdminRecord.object_type,
        AdminRecord.object_id,
        AdminRecord.object_label,
        AdminRecord.field,
        AdminRecord.new_value,
    )
    for row in in_order(query, AdminRecord.seq):
        if row.object_id is None:
            continue
        key = (row.object_type, row.object_id)
        result.labels[key] = row.object_label
        if row.field is None and row.new_value is None:  # deleted
            state[key] = _DELETED
        elif row.field is None or row.field == BASELINE:  # created, or found
            state[key] = json.loads(row.new_value)
            result.complete.add(key)
        else:
            values = state.get(key) or {}
            values[row.field] = row.new_value
            state[key] = values
    return result


def current_rows(model, fields: tuple) -> list:
    """Return every row of a watched model with its id and watched fields."""
    columns = [getattr(model, name) for name in ("id", *fields)]
    return db.session.execute(select(*columns).order_by(model.id)).all()


def check() -> AdminDataReport:
    """Compare every watched object's row with the values the record says it has."""
    report = AdminDataReport()
    found = replayed()
    seen = set()
    for model, (object_type, label_of, fields) in record.WATCHED.items():
        for row in current_rows(model, fields):
            key = (object_type, row.id)
            seen.add(key)
            report.compared += 1
            _compare(object_type, row, label_of(row), fields, found, report)
    for key, values in found.state.items():
        if values is not _DELETED and key not in seen:
            label = found.labels[key]
            report.mismatches.append(AdminMismatch(*key, label, None, None, None, "deleted"))
    return report


def _compare(object_type, row, label, fields, found: Replayed, report) -> None:
    key, state = (object_type, row.id), found.state
    whole = AdminMismatch(object_type, row.id, label, None, None, None)
    if key in state and state[key] is _DELETED:
        report.mismatches.append(dataclasses.replace(whole, kind="undeleted"))
        return
    if key not in found.complete:
        report.mismatches.append(dataclasses.replace(whole, kind="unrecorded"))
    recorded = state.get(key) or {}
    for name in fields:
        if name not in recorded:
            continue  # the record never knew this field of this object
        now = record.text(getattr(row, name))
        if now != recorded[name]:
            report.mismatches.append(
                AdminMismatch(object_type, row.id, label, name, recorded[name], now)
            )


def baseline() -> int:
    """Record every watched object the record does not hold, as found; return how many.

    For databases older than the record (migration 0021). The caller commits. Run it only
    on data known to be right: what it records becomes what later checks compare with.
    """
    complete = replayed().complete
    changes = []
    for model, (object_type, label_of, fields) in record.WATCHED.items():
        for row in current_rows(model, fields):
            if (object_type, row.id) in complete:
                continue
            values = {name: record.text(getattr(row, name)) for name in fields}
            changes.append(
                record.Change(object_type, row.id, label_of(row), BASELINE, None, canonical(values))
            )
    record.append(db.session(), changes)
    return len(changes)


def _show(value) -> str:
    return "–" if value is None else json.dumps(value, ensure_ascii=False)
