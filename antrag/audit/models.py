"""The administration record: who changed which setting when, append-only and hash-chained."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class AdminRecord(db.Model):
    """One administrative change of one field (or the creation/deletion of an object).

    Rows are never updated or deleted (database triggers refuse it, migration 0021). For a
    creation `field` is None and `new_value` holds the canonical JSON of the watched fields;
    for a deletion `old_value` does.
    """

    __tablename__ = "admin_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the record outlives accounts
    actor_name: Mapped[str] = mapped_column(String(200))
    object_type: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AdminRecordHead(db.Model):
    """The single row pointing at the newest record; updating it serialises appends.

    Administrative changes are rare, so one hot row costs nothing here (unlike the history).
    """

    __tablename__ = "admin_record_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
