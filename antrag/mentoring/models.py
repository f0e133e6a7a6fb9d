"""Mentoring assignments: one proposal of one mentor for one approved application."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db


@registry.subject("mentoring")
class MentoringAssignment(db.Model):
    """A mentor proposed to accompany an approved city; declined ones give way to the next."""

    __tablename__ = "mentoring_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    kickoff_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    application = relationship("Application")
    municipality = relationship("Municipality")
    mentor = relationship("User", foreign_keys=[mentor_id])


class MentoringGap(db.Model):
    """An approved application for which no suitable mentor is left: flagged for the ministry."""

    __tablename__ = "mentoring_gap"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application = relationship("Application")
