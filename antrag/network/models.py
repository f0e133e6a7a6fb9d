"""What a member city shares publicly, and the feedback people send about barriers."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class SharedProject(db.Model):
    """A city's choice to show one of its projects in the public directory (off by default)."""

    __tablename__ = "shared_project"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project = relationship("Project")
    updated_by = relationship("User")

    def public_text(self) -> str:
        """Return the text the directory shows: the public summary, else the description."""
        return self.summary or self.project.description or ""

    def __repr__(self) -> str:
        return f"<SharedProject {self.project_id} shared={self.shared}>"


class AccessibilityFeedback(db.Model):
    """A report of a barrier on a page, sent through the feedback form."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<AccessibilityFeedback {self.id}>"
