"""What the database remembers of sent forms and of API requests with an Idempotency-Key."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class FormSubmission(db.Model):
    """A creating form that was sent: its one-time token (hashed) and the page of its result.

    The row is written in the same transaction as what the form created, so it exists
    exactly when the creation does.
    """

    __tablename__ = "form_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(100))
    # Where a repeated post of the same form is sent: the page of what the first one created.
    result_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def leads_to(self, url: str) -> str:
        """Record `url` as the page of the result (before the commit) and return it."""
        self.result_url = url
        return url

    def __repr__(self) -> str:
        return f"<FormSubmission {self.id} {self.endpoint} -> {self.result_url}>"


class IdempotencyKey(db.Model):
    """An API request sent with an Idempotency-Key, and the answer it got.

    Inserted in the transaction of the request itself (the unique constraint makes a
    parallel duplicate wait and then fail), the answer is added right after the commit.
    """

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<IdempotencyKey {self.id} user={self.user_id} status={self.status}>"
