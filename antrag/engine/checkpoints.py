"""Checkpoints: periodic seals over the history entries written since the previous one.

Per-case chains notice a changed or removed entry in the middle of a case's history, and
the case row's `chain_hash` notices a removed newest entry. A checkpoint adds a record
across all cases: the SHA-256 over the lines "seq:hash" of every entry with
`after_seq` < seq <= `last_seq`, in seq order, chained to the previous checkpoint. Once
sealed, no entry in that range can be removed, changed or added without the checkpoint
disagreeing. `flask audit seal` writes one (cron runs it with `flask tick`).
"""

import hashlib
import json

from sqlalchemy import func, select

from ..db_types import utcnow
from ..extensions import db
from .models import HistoryCheckpoint, HistoryEntry

GENESIS = "0" * 64


def line(seq: int, entry_hash: str) -> bytes:
    """Return the line of one entry in a checkpoint's digest."""
    return f"{seq}:{entry_hash}\n".encode("ascii")


def checkpoint_hash(cp: HistoryCheckpoint) -> str:
    """Return the SHA-256 of a checkpoint's content chained to the previous checkpoint."""
    content = {
        "after_seq": cp.after_seq,
        "last_seq": cp.last_seq,
        "entries": cp.entries,
        "digest": cp.digest,
        "sealed_at": cp.sealed_at.isoformat(timespec="microseconds"),
        "prev": cp.prev_hash,
    }
    data = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def seal(batch_size: int = 5000) -> HistoryCheckpoint | None:
    """Seal the entries written since the last checkpoint; None if there are none.

    On PostgreSQL it first waits for the appends in flight (they hold the seal lock shared
    from drawing their seq until they commit), so that no entry below the checkpoint's
    `last_seq` can appear after it. The caller commits.
    """
    from .history import SEAL_LOCK

    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(SEAL_LOCK)))
    previous = session.scalars(
        select(HistoryCheckpoint).order_by(HistoryCheckpoint.last_seq.desc()).limit(1)
    ).first()
    after = previous.last_seq if previous else 0
    digest, count, last = hashlib.sha256(), 0, after
    while True:
        rows = session.execute(
            select(HistoryEntry.seq, HistoryEntry.hash)
            .where(HistoryEntry.seq > last)
            .order_by(HistoryEntry.seq)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for seq, entry_hash in rows:
            digest.update(line(seq, entry_hash))
            count, last = count + 1, seq
    if count == 0:
        return None
    cp = HistoryCheckpoint(
        sealed_at=utcnow(),
        after_seq=after,
        last_seq=last,
        entries=count,
        digest=digest.hexdigest(),
        prev_hash=previous.hash if previous else GENESIS,
    )
    cp.hash = checkpoint_hash(cp)
    session.add(cp)
    session.flush()
    return cp


class Walk:
    """Checks the checkpoints while `history.verify` walks the entries in seq order."""

    def __init__(self):
        self.pending = list(
            db.session.scalars(select(HistoryCheckpoint).order_by(HistoryCheckpoint.last_seq))
        )
        self.prev_hash, self.after = GENESIS, 0
        self._start()

    def _start(self):
        self.digest, self.count = hashlib.sha256(), 0

    def _close(self) -> str | None:
        cp = self.pending.pop(0)
        if cp.prev_hash != self.prev_hash or cp.after_seq != self.after:
            return f"checkpoint {cp.id} does not follow the previous checkpoint"
        if checkpoint_hash(cp) != cp.hash:
            return f"checkpoint {cp.id} does not match its hash"
        if cp.entries != self.count or cp.digest != self.digest.hexdigest():
            return f"the entries sealed by checkpoint {cp.id} were removed, changed or added"
        self.prev_hash, self.after = cp.hash, cp.last_seq
        self._start()
        return None

    def add(self, seq: int, entry_hash: str) -> str | None:
        """Take the next entry; return a problem if it closes a checkpoint that disagrees."""
        while self.pending and seq > self.pending[0].last_seq:
            problem = self._close()
            if problem:
                return problem
        if self.pending:
            self.digest.update(line(seq, entry_hash))
            self.count += 1
        return None

    def finish(self) -> str | None:
        """Close the checkpoints left (their newest entries are gone if any remain open)."""
        while self.pending:
            problem = self._close()
            if problem:
                return problem
        return None
