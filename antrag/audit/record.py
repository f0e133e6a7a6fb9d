"""Record administrative changes in the hash-chained administration record.

A session event watches the columns declared in WATCHED: whatever path changes them (admin
pages, CLI, API, a shell), the flush that writes the change also appends one record per
changed field (old → new), one per created object (its watched fields) and one per deleted
object, in the same transaction. A new watched column is one more name in WATCHED. Changes
made with a guarded SQL UPDATE instead of the ORM (a round's budget) call `note()`.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..accounts.factor_models import SecondFactorReset
from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..programme.models import Municipality, Programme, Round
from .actor import current_actor
from .models import AdminRecord, AdminRecordHead
from .snapshot import canonical, moment, money

GENESIS = "0" * 64

# model → (object type, label function, watched columns)
WATCHED = {
    Round: (
        "round",
        lambda r: r.name,
        ("name", "opens_on", "closes_on", "budget", "standard_amount", "eligibility")
        + ("budget_chapter", "budget_title"),
    ),
    Programme: ("programme", lambda p: p.name, ("name", "guideline_title", "guideline_date")),
    User: (
        "user",
        lambda u: u.email,
        ("email", "name", "role", "municipality_id", "active", "can_sign", "may_represent")
        + ("represents_as", "mentor_capacity", "mentor_topics", "lead")
        # The identity-provider subject bound at the first SSO login (who may sign in as
        # it); the login binds it with a guarded UPDATE and `note()` (oidc_accounts.py).
        + ("oidc_issuer", "oidc_subject"),
    ),
    Municipality: (
        "municipality",
        lambda m: f"{m.name} ({m.ags})",
        ("ags", "name", "kind", "is_city", "population", "head_title", "street")
        + ("postal_code", "town", "iban", "bic", "account_holder"),
    ),
    # Resetting a lost second factor (four eyes): who asked, why, who confirmed.
    SecondFactorReset: (
        "second_factor_reset",
        lambda r: f"Konto {r.user_id}",
        ("user_id", "reason", "requested_by_id", "confirmed_by_id", "confirmed_at")
        + ("cancelled_at",),
    ),
}
OBJECT_TYPES = tuple(spec[0] for spec in WATCHED.values())


@dataclass(frozen=True)
class Change:
    """One change to record: the object, the field (None: created/deleted), old and new."""

    object_type: str
    object_id: int | None
    object_label: str
    field: str | None
    old: str | None
    new: str | None


def text(value) -> str | None:
    """Return a value as the string the record stores (amounts exact to the cent)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return money(value)
    if hasattr(value, "tzinfo"):
        return moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record_hash(content: dict, prev_hash: str) -> str:
    """Return the SHA-256 of a record's canonical JSON content chained to its predecessor."""
    return hashlib.sha256(canonical(content | {"prev": prev_hash}).encode("utf-8")).hexdigest()


def hashed_content(row) -> dict:
    """Return the fields of a record that its hash covers (besides the previous hash)."""
    return {
        "seq": row.seq,
        "created_at": text(row.created_at),
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_label": row.object_label,
        "field": row.field,
        "old": row.old_value,
        "new": row.new_value,
    }


def note(obj, field: str, old, new) -> None:
    """Record a change of a watched field made without the ORM (a guarded UPDATE)."""
    object_type, label_of, _fields = WATCHED[type(obj)]
    if text(old) != text(new):
        append(
            db.session(),
            [Change(object_type, obj.id, label_of(obj), field, text(old), text(new))],
        )


def _changes(session: Session) -> list[Change]:
    changes = []
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        spec = WATCHED.get(type(obj))
        if spec is None:
            continue
        object_type, label_of, fields = spec
        state = inspect(obj)
        if obj in session.new:
            values = {f: text(getattr(obj, f)) for f in fields}
            changes.append(
                Change(object_type, obj.id, label_of(obj), None, None, canonical(values))
            )
        elif obj in session.deleted:
            values = {f: text(state.attrs[f].loaded_value) for f in fields}
            changes.append(
                Change(object_type, obj.id, label_of(obj), None, canonical(values), None)
            )
        else:
            for name in fields:
                history = state.attrs[name].history
                if not history.added:
                    continue
                old = text(history.deleted[0]) if history.deleted else None
                new = text(history.added[0])
                if old != new:
                    changes.append(Change(object_type, obj.id, label_of(obj), name, old, new))
    return changes


def append(session: Session, changes: list[Change]) -> None:
    """Chain and insert `changes`; the head row's update serialises concurrent appends."""
    if not changes:
        return
    connection = session.connection()
    head = AdminRecordHead.__table__
    connection.execute(update(head).where(head.c.id == 1).values(seq=head.c.seq + len(changes)))
    last_seq, prev = connection.execute(select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    seq, actor, now, rows = last_seq - len(changes), current_actor(), utcnow(), []
    for change in changes:
        seq += 1
        row = {
            "seq": seq,
            "created_at": now,
            "actor_id": actor.id,
            "actor_name": actor.name,
            "object_type": change.object_type,
            "object_id": change.object_id,
            "object_label": change.object_label[:300],
            "field": change.field,
            "old_value": change.old,
            "new_value": change.new,
        }
        row["prev_hash"] = prev
        row["hash"] = prev = record_hash(hashed_content(_Row(row)), prev)
        rows.append(row)
    connection.execute(AdminRecord.__table__.insert(), rows)
    connection.execute(update(head).where(head.c.id == 1).values(hash=prev))


class _Row:
    """Attribute access to a dict of column values (to hash a row before it is inserted)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


@event.listens_for(Session, "after_flush")
def _record_admin_changes(session, flush_context):
    """Append the watched changes the flush just wrote (ids of new objects are known now)."""
    append(session, _changes(session))


@event.listens_for(Session, "before_flush")
def _refuse_record_changes(session, flush_context, instances):
    """Refuse updates and deletes of records at the ORM level too."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AdminRecord) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("the administration record is append-only")


def _keep_old_values(model, name: str) -> None:
    """Make the ORM load a watched column's old value before it is overwritten."""
    event.listen(getattr(model, name), "set", lambda *args: None, active_history=True)


for _model, (_type, _label, _fields) in WATCHED.items():
    for _name in _fields:
        _keep_old_values(_model, _name)


@dataclass(frozen=True)
class Break:
    """The first place where the administration record does not verify."""

    seq: int
    reason: str


def verify(batch_size: int = 1000) -> tuple[int, Break | None]:
    """Walk the record in order; return the number of records checked and the first break."""
    prev, expected, checked = GENESIS, 1, 0
    while True:
        rows = db.session.execute(
            select(AdminRecord.__table__)
            .where(AdminRecord.seq >= expected)
            .order_by(AdminRecord.seq)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected:
                return checked, Break(expected, f"record {expected} is missing")
            if row.prev_hash != prev:
                return checked, Break(row.seq, "does not point at its predecessor")
            if record_hash(hashed_content(row), prev) != row.hash:
                return checked, Break(row.seq, "content does not match its hash")
            prev, expected, checked = row.hash, expected + 1, checked + 1
    head = db.session.execute(select(AdminRecordHead.seq, AdminRecordHead.hash)).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return checked, Break(head.seq, "the newest records are missing")
    return checked, None
