"""The inbox's own tables: who holds a task, the trail of claims, stand-ins, digests sent.

A claim is not a state change: it never goes through the engine or its history. Every
claim, release and hand-over is written to `task_claim_event`, an append-only trail.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

CLAIM_ACTIONS = ("claim", "release", "hand_over")


class TaskClaim(db.Model):
    """The person who holds a waiting case (a task): one row per case, unique in the database."""

    __tablename__ = "task_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    holder = relationship("User", foreign_keys=[holder_id])


class TaskClaimEvent(db.Model):
    """One claim, release or hand-over of a task: who did it, to whom, when (append-only)."""

    __tablename__ = "task_claim_event"
    __table_args__ = (
        CheckConstraint("action IN ('claim', 'release', 'hand_over')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    previous_holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StandIn(db.Model):
    """Vertretung: `stand_in` sees and works `absent`'s tasks from `starts_on` to `ends_on`."""

    __tablename__ = "stand_in"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("absent_id <> stand_in_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    absent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    stand_in_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    absent = relationship("User", foreign_keys=[absent_id])
    stand_in = relationship("User", foreign_keys=[stand_in_id])


class DigestSent(db.Model):
    """The daily digest written for a person on a day (Berlin): makes the tick idempotent."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_digest_sent_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
