"""Network meetings and the registrations for them (each registration is a workflow case)."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    distinct,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..engine import registry
from ..engine.models import Case
from ..extensions import db

WORKFLOW = "meeting_registration"
# Registrations that hold seats, and those that still count as "registered".
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
ACTIVE_STATES = (CONFIRMED, WAITLISTED)
STAFF_ROLES = ("reviewer", "admin")


def is_staff(user) -> bool:
    """Return whether `user` is ministry staff who manage meetings and see registrations."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF_ROLES


class Meeting(db.Model):
    """A network meeting: when and where, its agenda and how many persons fit."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(400))
    agenda: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Set when `flask network purge` deleted the registrations; their counts live on in it.
    kept_counts = relationship("MeetingCounts", uselist=False, lazy="selectin")

    def is_upcoming(self, now: datetime | None = None) -> bool:
        """Return whether the meeting has not started yet (registration and cancelling are open)."""
        return self.starts_at > (now or utcnow())

    def counts(self) -> "MeetingCounts":
        """Return the registration counts: kept ones after the purge, else counted now."""
        if self.kept_counts is not None:
            return self.kept_counts
        return count_registrations(self)

    def persons_in(self, state: str) -> int:
        """Return the number of persons of the registrations in `state`."""
        if self.kept_counts is not None:
            return self.kept_counts.persons(state)
        return int(
            db.session.scalar(
                select(func.coalesce(func.sum(MeetingRegistration.persons), 0))
                .join(Case, Case.id == MeetingRegistration.case_id)
                .where(MeetingRegistration.meeting_id == self.id, Case.state == state)
            )
        )

    @property
    def seats_left(self) -> int:
        """Return how many persons may still be confirmed (never negative)."""
        return max(self.capacity - self.persons_in(CONFIRMED), 0)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r} {self.starts_at:%Y-%m-%d}>"


class MeetingCounts(db.Model):
    """What reporting keeps of a meeting's registrations once they are deleted."""

    __tablename__ = "meeting_counts"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    registrations: Mapped[int] = mapped_column(Integer)
    confirmed_persons: Mapped[int] = mapped_column(Integer)
    waitlisted_persons: Mapped[int] = mapped_column(Integer)
    cancelled_persons: Mapped[int] = mapped_column(Integer)
    # Municipalities with confirmed persons, and registrations ticked "interested in joining".
    municipalities: Mapped[int] = mapped_column(Integer)
    interested: Mapped[int] = mapped_column(Integer)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def persons(self, state: str) -> int:
        """Return the number of persons whose registrations ended in `state`."""
        return {
            CONFIRMED: self.confirmed_persons,
            WAITLISTED: self.waitlisted_persons,
            "cancelled": self.cancelled_persons,
        }.get(state, 0)


def count_registrations(meeting: Meeting) -> MeetingCounts:
    """Count the meeting's registrations now (an unsaved MeetingCounts)."""
    base = (
        select()
        .select_from(MeetingRegistration)
        .join(Case, Case.id == MeetingRegistration.case_id)
        .where(MeetingRegistration.meeting_id == meeting.id)
    )
    by_state = {
        state: (number, int(persons))
        for state, number, persons in db.session.execute(
            base.add_columns(
                Case.state, func.count(), func.coalesce(func.sum(MeetingRegistration.persons), 0)
            ).group_by(Case.state)
        )
    }
    municipalities = db.session.scalar(
        base.add_columns(func.count(distinct(MeetingRegistration.municipality_id))).where(
            Case.state == CONFIRMED
        )
    )
    interested = db.session.scalar(
        base.add_columns(func.count()).where(MeetingRegistration.interested_in_joining.is_(True))
    )
    return MeetingCounts(
        meeting_id=meeting.id,
        registrations=sum(number for number, _persons in by_state.values()),
        confirmed_persons=by_state.get(CONFIRMED, (0, 0))[1],
        waitlisted_persons=by_state.get(WAITLISTED, (0, 0))[1],
        cancelled_persons=by_state.get("cancelled", (0, 0))[1],
        municipalities=municipalities or 0,
        interested=interested or 0,
    )


@registry.subject("meeting_registration")
class MeetingRegistration(db.Model):
    """One registration of one or more persons of a municipality for a meeting."""

    __tablename__ = "meeting_registration"
    __table_args__ = (CheckConstraint("persons >= 1", name="persons_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    persons: Mapped[int] = mapped_column(Integer, default=1)
    accessibility: Mapped[str | None] = mapped_column(Text)
    interested_in_joining: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the cancel link's secret; the secret itself is only in the person's mail.
    cancel_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    meeting = relationship("Meeting")
    municipality = relationship("Municipality")
    invited_user = relationship("User")

    ENDPOINT = "meeting_admin.registrations"
    RECIPIENTS = ()  # mail goes to the registered address, not to accounts (see meetings.mail)

    @property
    def state(self) -> str:
        return self.case.state

    # `network purge` deletes registrations after the meeting (their cases stay).
    PURGED_BY_RETENTION = True

    def url_values(self) -> dict:
        """Return the URL values of the meeting's registrations page (with ENDPOINT)."""
        return {"meeting_id": self.meeting_id}

    def decisive_data(self) -> dict:
        """Return the meeting, the city and the number of persons (no personal data: the
        snapshot outlives the registration, which is deleted after the retention period)."""
        return {
            "meeting_id": self.meeting_id,
            "municipality_id": self.municipality_id,
            "persons": self.persons,
            "interested_in_joining": bool(self.interested_in_joining),
        }

    def recipients(self, kind: str) -> list:
        """Registrations have no account recipients; their mail is addressed directly."""
        raise ValueError(f"unknown recipient kind {kind!r}")

    def can_view(self, user) -> bool:
        """Return whether `user` may see the registration: ministry staff only (else 404)."""
        return is_staff(user)

    def __repr__(self) -> str:
        return f"<MeetingRegistration {self.id} meeting={self.meeting_id} {self.email}>"
