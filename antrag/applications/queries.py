"""Read-only look-ups for the applicant's pages."""

from sqlalchemy import select

from ..engine.models import Case, HistoryEntry
from ..extensions import db
from ..programme.models import Round
from .models import Application

# An application in one of these states no longer keeps its city from applying again.
ENDED_STATES = ("withdrawn", "rejected")


def applications_of(municipality_id: int) -> list[Application]:
    """Return the municipality's applications, the most recently changed first."""
    return list(
        db.session.scalars(
            select(Application)
            .join(Case, Case.id == Application.case_id)
            .where(Application.municipality_id == municipality_id)
            .order_by(Case.updated_at.desc(), Application.id.desc())
        )
    )


def membership_of(municipality_id: int) -> Application | None:
    """Return the city's approved membership application (the first), if it is a member.

    Membership of the network is granted once: a member city applies in no further round.
    """
    return db.session.scalar(
        select(Application)
        .join(Case, Case.id == Application.case_id)
        .where(
            Application.municipality_id == municipality_id,
            Case.workflow == "membership",
            Case.state == "approved",
        )
        .order_by(Application.id)
        .limit(1)
    )


def blocking_application(municipality_id: int, round_id: int) -> Application | None:
    """Return the city's application in the round that is still running or approved, if any."""
    return db.session.scalar(
        select(Application)
        .join(Case, Case.id == Application.case_id)
        .where(
            Application.municipality_id == municipality_id,
            Application.round_id == round_id,
            Case.state.not_in(ENDED_STATES),
        )
        .order_by(Application.id.desc())
        .limit(1)
    )


def open_rounds_for(municipality) -> list[Round]:
    """Return the rounds that are open today and that `municipality` may apply to."""
    rounds = db.session.scalars(select(Round).order_by(Round.closes_on, Round.name))
    return [r for r in rounds if r.is_open() and r.is_eligible(municipality)]


def latest_entry_into(case: Case, to_state: str) -> HistoryEntry | None:
    """Return the newest history entry that moved the case into `to_state`, if any."""
    return db.session.scalar(
        select(HistoryEntry)
        .where(HistoryEntry.case_id == case.id, HistoryEntry.to_state == to_state)
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    )
