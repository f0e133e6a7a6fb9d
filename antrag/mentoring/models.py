"""Mentoring assignments: one proposal of one mentor for one approved application."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text, and_, false, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..engine import registry
from ..engine.models import Case
from ..extensions import db

# A mentor's workload: proposals still open and mentorings not yet completed.
ACTIVE_STATES = ("proposed", "accepted", "active")
# Assignments through which a mentor may read the city's application.
FOLLOWING_STATES = (*ACTIVE_STATES, "completed")
# Assignments the city concerned may read: once the mentor accepted. A proposal not yet
# answered, a decline and a lapsed proposal are the ministry's and the mentor's matter.
CITY_STATES = ("accepted", "active", "completed")


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

    ENDPOINT = "mentoring.assignment"
    RECIPIENTS = ("mentor", "reviewers", "applicant")

    @property
    def state(self) -> str:
        return self.case.state

    def url_values(self) -> dict:
        """Return the URL values of the assignment page (with ENDPOINT)."""
        return {"assignment_id": self.id}

    def decisive_data(self) -> dict:
        """Return who mentors which city, the attempt, the kick-off and the closing summary."""
        return {
            "application_id": self.application_id,
            "municipality_id": self.municipality_id,
            "mentor_id": self.mentor_id,
            "attempt": self.attempt,
            "kickoff_on": self.kickoff_on.isoformat() if self.kickoff_on else None,
            "summary": self.summary,
        }

    def recipients(self, kind: str) -> list:
        """Return the users a mail to `kind` (one of RECIPIENTS) goes to: the mentor, or
        the rows of `outbox.group`."""
        from ..mail.outbox import group

        if kind == "mentor":
            return [self.mentor] if self.mentor.active else []
        return group(kind, self.municipality_id)

    @classmethod
    def visible_to(cls, user):
        """Return the SQL condition of the assignments `user` may see (as `can_view`).

        The query must be joined to the assignment's case (`Case.id == cls.case_id`)."""
        role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
        if role == "mentor":
            return cls.mentor_id == user.id
        if role == "reviewer":
            return true()
        if role == "applicant":
            return and_(cls.municipality_id == user.municipality_id, Case.state.in_(CITY_STATES))
        return false()

    def can_view(self, user) -> bool:
        """Return whether `user` may see this assignment (else 404): its mentor, the ministry,
        and the city concerned once the mentor accepted."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if user.role == "mentor":
            return user.id == self.mentor_id
        if user.role == "applicant":
            return user.municipality_id == self.municipality_id and self.case.state in CITY_STATES
        return user.role == "reviewer"


class MentoringGap(db.Model):
    """An approved application for which no suitable mentor is left: flagged for the ministry."""

    __tablename__ = "mentoring_gap"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application = relationship("Application")


def mentor_follows(mentor_id: int, application_id: int) -> bool:
    """Return whether the mentor has a proposed, running or completed assignment for it."""
    found = db.session.scalar(
        select(MentoringAssignment.id)
        .join(Case, Case.id == MentoringAssignment.case_id)
        .where(
            MentoringAssignment.mentor_id == mentor_id,
            MentoringAssignment.application_id == application_id,
            Case.state.in_(FOLLOWING_STATES),
        )
        .limit(1)
    )
    return found is not None
