"""The search document: one row of plain text per searchable record, kept by the ORM.

The database indexes these rows with its own full-text search (see `schema.py`): a GIN
index over `to_tsvector('german', …)` on PostgreSQL, an FTS5 table kept by triggers on
SQLite. The rows themselves are written in the same transaction as the record they
describe (`indexing.py`), so a search never finds what a rolled-back change wrote.
"""

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

KINDS = (
    "application",
    "funding_notice",
    "rejection_notice",
    "amendment_notice",
    "reclaim",
    "message",
)


class SearchDocument(db.Model):
    """The searchable text of one application, notice or message, with who may find it."""

    __tablename__ = "search_document"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_document_kind_ref"),
        Index("ix_search_document_case_id", "case_id"),
        Index("ix_search_document_municipality_id", "municipality_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer)
    municipality_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(20))  # the Aktenzeichen, if any
    title: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    # Whether the ministry may see the record at all (an unsubmitted draft: no).
    ministry_visible: Mapped[bool] = mapped_column(Boolean)
    # An internal note of the ministry, which a city never sees.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
