"""A message on a case: written without a state change, by the city or the ministry."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class CaseMessage(db.Model):
    """One message on a case; `internal` ones (notes of the ministry) the city never sees."""

    __tablename__ = "case_message"
    __table_args__ = (
        CheckConstraint(
            "internal = false OR author_role = 'reviewer'", name="internal_only_by_ministry"
        ),
        CheckConstraint("author_role IN ('applicant', 'reviewer')", name="author_role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case")
    author = relationship("User")
