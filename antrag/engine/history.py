"""The append-only history: hash-chained entries and their verification.

Each case's entries form a chain: an entry's `prev_hash` is the hash of the case's previous
entry (GENESIS for its first), and the case row keeps the hash of its newest entry
(`chain_hash`), which the database itself writes when the entry is inserted (a trigger,
migration 0031: no statement of its own, and no way to insert an entry without moving the
head). A transition therefore locks only its own
case row, which its compare-and-set UPDATE locks anyway; there is no row that every writer
waits for. Checkpoints (`checkpoints.py`, `flask audit seal`) periodically seal all entries
written since the previous checkpoint. Entries written before migration 0022 form one chain
across all cases, anchored in `history_chain_head`; they verify as they always did.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..locks import lock_number
from ..read_phase import holds_write_lock
from . import checkpoints
from .models import HISTORY_SEQ, Case, ChainHead, HistoryEntry

GENESIS = "0" * 64
# Appends hold it shared, `checkpoints.seal` exclusively (PostgreSQL).
SEAL_LOCK = lock_number("history", "seal")


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


# session.info keys: the seqs drawn ahead by a statement that had to run anyway (the
# transition's compare-and-set), oldest first, and (SQLite) the last seq handed out in this
# transaction.
_AHEAD, _LAST = "history_seq_ahead", "history_seq_last"


def seq_draw(count: int = 1) -> tuple:
    """Return the columns that draw `count` seqs inside another statement (its RETURNING).

    Hand the returned row to `drawn_ahead`. PostgreSQL: the shared seal lock of `next_seq`
    (once: it is held until the transaction ends) and the sequence `count` times; SQLite:
    max + 1, read under the write lock of the statement that returns it (the transaction
    counts on from there without a statement, so one is enough whatever `count` is).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return (
            func.pg_advisory_xact_lock_shared(SEAL_LOCK),
            *(HISTORY_SEQ.next_value() for _ in range(count)),
        )
    return (select(func.coalesce(func.max(HistoryEntry.seq), 0) + 1).scalar_subquery(),)


def drawn_ahead(row) -> None:
    """Keep the seqs of `row` (drawn by `seq_draw`) for the next entries linked in this transaction.

    They go to the entries in the order these are linked, after any drawn ahead before.
    """
    session = db.session()
    seqs = sorted(row[1:] if session.get_bind().dialect.name == "postgresql" else row[-1:])
    session.info.setdefault(_AHEAD, []).extend(seqs)


def ahead() -> int:
    """Return how many seqs drawn ahead wait for their entries in this transaction."""
    return len(db.session().info.get(_AHEAD) or ())


def next_seq() -> int:
    """Draw the `seq` of a new entry: unique and increasing, with gaps (no hot row).

    PostgreSQL takes it from a sequence, together with a shared lock that `checkpoints.seal`
    takes exclusively (appends never wait for each other, a seal waits for the appends in
    flight); SQLite's writers are serialised by their write lock, so max + 1 is safe, and
    once drawn under the lock the next ones of the transaction are counted on without a
    statement. Seqs drawn ahead (`drawn_ahead`) go to the entries that ask first, oldest
    first, so entries are numbered in the order they are linked, as if each had drawn its
    own; one drawn ahead and never asked for is a gap.
    """
    session = db.session()
    queue = session.info.get(_AHEAD)
    ahead = queue.pop(0) if queue else None
    if session.get_bind().dialect.name == "postgresql":
        if ahead is not None:
            return ahead
        return session.execute(
            select(func.pg_advisory_xact_lock_shared(SEAL_LOCK), HISTORY_SEQ.next_value())
        ).one()[1]
    last = session.info.get(_LAST)
    if ahead is not None:
        seq = ahead if last is None else max(ahead, last + 1)
    elif last is not None and holds_write_lock(session):
        seq = last + 1
    else:
        seq = session.scalar(select(func.coalesce(func.max(HistoryEntry.seq), 0) + 1))
        seq = seq if last is None else max(seq, last + 1)
    session.info[_LAST] = seq
    return seq


def link(entry: HistoryEntry, prev_hash: str | None) -> HistoryEntry:
    """Give `entry` its seq and chain it to `prev_hash`, the hash of its case's newest entry.

    The caller must make sure that `prev_hash` is still the case's chain head when it
    commits: `core.fire` checks it in its compare-and-set UPDATE of the case, `append` locks
    the case row. Inserting the entry moves the head (the database's trigger); the loaded
    case, if any, is told here.
    """
    entry.seq = next_seq()
    entry.prev_hash = prev_hash or GENESIS
    entry.hash = entry_hash(entry, entry.prev_hash)
    case = db.session.identity_map.get(identity_key(Case, entry.case_id))
    if case is not None:
        set_committed_value(case, "chain_hash", entry.hash)
    return entry


def append(entry: HistoryEntry) -> HistoryEntry:
    """Chain `entry` to the newest entry of its case and add it to the session.

    Locks the case row (PostgreSQL; SQLite's writers are serialised anyway), so that
    concurrent appends to one case queue up instead of forking its chain; appends to
    different cases never wait for each other.
    """
    session = db.session
    prev = session.execute(
        select(Case.chain_hash).where(Case.id == entry.case_id).with_for_update()
    ).scalar_one()
    link(entry, prev)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not verify."""

    seq: int
    entry_id: int | None
    reason: str


def verify(batch_size: int = 1000) -> tuple[int, Break | None]:
    """Check every entry, chain and checkpoint; return the entries checked and the first break.

    Entries up to the legacy anchor (`ChainHead`, written before migration 0022) form one
    chain across all cases, numbered 1, 2, 3 … without gaps, ending in the anchor's hash.
    Every later entry points at the newest earlier entry of its own case (GENESIS for the
    first). Every case's `chain_hash` is the hash of its newest entry, and every checkpoint
    matches the entries it sealed.
    """
    anchor = db.session.get(ChainHead, 1)
    legacy_seq, legacy_hash = (anchor.seq, anchor.hash) if anchor else (0, GENESIS)
    prev, checked, last_seq = GENESIS, 0, 0
    heads: dict[int, str] = {}
    sealed = checkpoints.Walk()
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
            if entry.seq <= legacy_seq:
                if entry.seq != checked + 1:
                    return checked, Break(checked + 1, None, f"entry {checked + 1} is missing")
                if entry.prev_hash != prev:
                    return checked, Break(entry.seq, entry.id, "does not point at its predecessor")
            else:
                if last_seq <= legacy_seq and (checked, prev) != (legacy_seq, legacy_hash):
                    return checked, Break(legacy_seq, None, "the newest entries are missing")
                if entry.prev_hash != heads.get(entry.case_id, GENESIS):
                    reason = "does not point at the previous entry of its case"
                    return checked, Break(entry.seq, entry.id, reason)
            if entry_hash(entry, entry.prev_hash) != entry.hash:
                return checked, Break(entry.seq, entry.id, "content does not match its hash")
            problem = sealed.add(entry.seq, entry.hash)
            if problem:
                return checked, Break(entry.seq, entry.id, problem)
            prev, last_seq, heads[entry.case_id] = entry.hash, entry.seq, entry.hash
            checked += 1
        for entry in rows:
            db.session.expunge(entry)
    if last_seq <= legacy_seq and (checked, prev) != (legacy_seq, legacy_hash):
        return checked, Break(legacy_seq, None, "the newest entries are missing")
    problem = sealed.finish()
    if problem:
        return checked, Break(last_seq, None, problem)
    for case_id, chain_hash in db.session.execute(select(Case.id, Case.chain_hash)):
        if heads.get(case_id) != chain_hash:
            reason = f"the newest entries of case {case_id} are missing or were changed"
            return checked, Break(last_seq, None, reason)
    return checked, None


@event.listens_for(Session, "after_transaction_end")
def _forget_drawn_seqs(session, transaction):
    """A seq drawn or counted in one transaction means nothing in the next."""
    if transaction.parent is None:
        session.info.pop(_AHEAD, None)
        session.info.pop(_LAST, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_seqs_drawn_ahead(session, previous_transaction):
    """Seqs drawn ahead in a savepoint that rolled back lost the seal lock drawn with them.

    (PostgreSQL releases what a rolled-back savepoint locked.) Dropped, they are gaps; the
    next entry draws its own seq with the lock.
    """
    session.info.pop(_AHEAD, None)


@event.listens_for(Session, "before_flush")
def _refuse_history_changes(session, flush_context, instances):
    """Refuse updates and deletes of history entries at the ORM level too."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, HistoryEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("the history is append-only")
