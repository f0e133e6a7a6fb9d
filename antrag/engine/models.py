"""The engine's tables: cases, the append-only history, its chains and their checkpoints."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Sequence, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class Case(db.Model):
    """One running instance of a workflow, linked to its subject (an application, …)."""

    __tablename__ = "case"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_case_workflow_state", "workflow", "state"),
        # The inbox's per-state top-N (antrag/inbox/page.py): filter and order in one index.
        Index("ix_case_inbox_due", "workflow", "state", "due_at", "updated_at", "id"),
        Index("ix_case_inbox_since", "workflow", "state", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(64))
    workflow_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The hash of the case's newest history entry: the head of its chain (None before any).
    chain_hash: Mapped[str | None] = mapped_column(String(64))

    assignee = relationship("User", foreign_keys=[assignee_id])
    history = relationship(
        "HistoryEntry", order_by="HistoryEntry.seq", back_populates="case", viewonly=True
    )

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Return whether the case has a due date that has passed."""
        return self.due_at is not None and self.due_at < (now or utcnow())

    def __repr__(self) -> str:
        return (
            f"<Case {self.id} {self.workflow}@{self.workflow_version} {self.state} v{self.version}>"
        )


# PostgreSQL draws the `seq` of new history entries from this sequence (SQLite: max + 1).
HISTORY_SEQ = Sequence("history_entry_seq", metadata=db.metadata)


class HistoryEntry(db.Model):
    """One fired transition. Rows are never updated or deleted (database triggers refuse it).

    `seq` orders all entries (unique, increasing, with gaps since migration 0022);
    `prev_hash` is the hash of the case's previous entry (see history.py for the entries
    written before 0022, which form one chain across all cases).
    """

    __tablename__ = "history_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    workflow: Mapped[str] = mapped_column(String(64))
    workflow_version: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    inputs: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The fingerprint of the workflow definition the entry ran under (None before 0016).
    definition_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The subject's decisive data after the transition, as canonical JSON, and its SHA-256
    # (None before 0021, and for subjects that declare no decisive data; see antrag.audit).
    subject_snapshot: Mapped[str | None] = mapped_column(Text)
    subject_hash: Mapped[str | None] = mapped_column(String(64))

    case = relationship("Case", back_populates="history")

    def __repr__(self) -> str:
        return f"<HistoryEntry {self.seq} case={self.case_id} {self.trigger}>"


class ChainHead(db.Model):
    """The anchor of the legacy chain: the last entry of the one chain written before 0022.

    Entries up to `seq` form one chain across all cases and end in `hash`; the row is no
    longer written (newer entries chain per case, see history.py).
    """

    __tablename__ = "history_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class HistoryCheckpoint(db.Model):
    """A seal over the history entries written since the previous checkpoint.

    `digest` is the SHA-256 over the lines "seq:hash" of the entries with `after_seq` < seq
    <= `last_seq` in seq order; `hash` chains the checkpoint to the previous one. Deleting,
    changing or adding a sealed entry no longer matches its checkpoint.
    """

    __tablename__ = "history_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    after_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer, unique=True)
    entries: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ReminderSent(db.Model):
    """A reminder already written for a case's due date in a state (makes the timer idempotent)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        db.UniqueConstraint("case_id", "state", "due_at", name="uq_reminder_sent_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    state: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowFingerprint(db.Model):
    """A published workflow version: the fingerprint and canonical form it had when first used.

    Written the first time a version is used (see `records.py`); a definition whose content
    differs under the same version is refused from then on.
    """

    __tablename__ = "workflow_fingerprint"
    __table_args__ = (
        db.UniqueConstraint("workflow", "version", name="uq_workflow_fingerprint_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    canonical: Mapped[str] = mapped_column(Text)  # canonical JSON, to name what changed
    source: Mapped[str] = mapped_column(String(300))  # the file it was loaded from
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
