"""The append-only history: hash-chained entries and their verification."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import ChainHead, HistoryEntry

GENESIS = "0" * 64


def canonical_inputs(inputs: dict | None) -> str:
    """Serialise inputs as canonical JSON (sorted keys, no whitespace, strings for decimals)."""
    return json.dumps(inputs or {}, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(entry: HistoryEntry, prev_hash: str) -> str:
    """Return the SHA-256 of an entry's content chained to the previous entry's hash."""
    content = hashed_content(entry) | {"prev": prev_hash}
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def hashed_content(entry: HistoryEntry) -> dict:
    """Return the fields of an entry that its hash covers (besides the previous hash).

    The definition's fingerprint is covered where the entry has one (entries written before
    migration 0016 have none, and their hashes stay as they were); so are the subject's
    snapshot and its hash (from migration 0021 on, for subjects with decisive data).
    """
    content = {
        "seq": entry.seq,
        "case_id": entry.case_id,
        "workflow": entry.workflow,
        "workflow_version": entry.workflow_version,
        "trigger": entry.trigger,
        "from": entry.from_state,
        "to": entry.to_state,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "comment": entry.comment,
        "inputs": entry.inputs,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
    }
    fingerprint = getattr(entry, "definition_fingerprint", None)
    if fingerprint is not None:
        content["definition_fingerprint"] = fingerprint
    for name in ("subject_snapshot", "subject_hash"):
        value = getattr(entry, name, None)
        if value is not None:
            content[name] = value
    return content


def append(entry: HistoryEntry) -> HistoryEntry:
    """Chain `entry` to the newest entry and add it to the session.

    The head row is updated first: on PostgreSQL that takes its row lock, on SQLite the
    write lock, so concurrent appends queue up instead of forking the chain.
    """
    session = db.session
    session.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=ChainHead.seq + 1))
    head = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).one()
    entry.seq = head.seq
    entry.prev_hash = head.hash
    entry.hash = entry_hash(entry, head.hash)
    session.add(entry)
    session.execute(update(ChainHead).where(ChainHead.id == 1).values(hash=entry.hash))
    return entry


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not verify."""

    seq: int
    entry_id: int | None
    reason: str


def verify(batch_size: int = 1000) -> tuple[int, Break | None]:
    """Walk the chain in order; return the number of entries checked and the first break."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.seq > last_seq)
            .order_by(HistoryEntry.seq)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return checked, Break(expected_seq, None, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev:
                return checked, Break(entry.seq, entry.id, "does not point at its predecessor")
            if entry_hash(entry, prev) != entry.hash:
                return checked, Break(entry.seq, entry.id, "content does not match its hash")
            prev, expected_seq, last_seq = entry.hash, expected_seq + 1, entry.seq
            checked += 1
        for entry in rows:
            db.session.expunge(entry)
    head = db.session.get(ChainHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return checked, Break(head.seq, None, "the newest entries are missing")
    return checked, None


@event.listens_for(Session, "before_flush")
def _refuse_history_changes(session, flush_context, instances):
    """Refuse updates and deletes of history entries at the ORM level too."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, HistoryEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("the history is append-only")
