"""Meeting operations: plan meetings, register, cancel and move up; they never commit.

Every change of a registration's status goes through the engine (workflow
`meeting_registration`). Registering and cancelling first lock the meeting's row, so that
concurrent requests count the free seats one after the other and can never overbook it
(PostgreSQL: `SELECT … FOR UPDATE`; SQLite serialises writers with `BEGIN IMMEDIATE`).
"""

import hashlib
import logging
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import engine
from ..accounts.operations import AccountError, normalise_email
from ..db_types import utcnow
from ..engine.models import Case
from ..extensions import db
from ..mail.outbox import absolute_url
from ..programme.models import Municipality
from .mail import enqueue_to_registrant
from .models import ACTIVE_STATES, CONFIRMED, WAITLISTED, WORKFLOW, Meeting, MeetingRegistration

logger = logging.getLogger(__name__)
PERSONS_MAX = 20


class RegistrantActor:
    """The actor of a registration or cancellation made without an account (via the public form)."""

    id = None
    role = "system"
    display_name = "Anmeldung ohne Konto (öffentliches Formular)"


class WaitingListActor:
    """The actor that moves waiting registrations up when seats become free."""

    id = None
    role = "system"
    display_name = "System (Warteliste)"


REGISTRANT = RegistrantActor()
WAITING_LIST = WaitingListActor()


class MeetingError(ValueError):
    """A meeting or registration cannot be saved as asked; `errors` maps fields to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a link's secret is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """Return a fresh unguessable secret and its hash."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def lock_meeting(meeting_id: int) -> Meeting | None:
    """Load the meeting and lock its row until the transaction ends."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _check_meeting(values: dict) -> None:
    """Raise MeetingError if the values break a meeting's rules."""
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Bitte geben Sie einen Titel an.")
    if not (values.get("place") or "").strip():
        errors["place"] = _("Bitte geben Sie den Ort an.")
    if values["ends_at"] <= values["starts_at"]:
        errors["end_time"] = _("Das Ende muss nach dem Beginn liegen.")
    if not isinstance(values.get("capacity"), int) or values["capacity"] < 1:
        errors["capacity"] = _("Bitte geben Sie mindestens einen Platz an.")
    if errors:
        raise MeetingError(errors)


def create_meeting(actor, **values) -> Meeting:
    """Plan a meeting (title, starts_at, ends_at, place, agenda, capacity)."""
    _check_meeting(values)
    meeting = Meeting(**values, created_at=utcnow(), updated_at=utcnow())
    db.session.add(meeting)
    db.session.flush()
    logger.info("Meeting %s created by %s", meeting.id, _who(actor))
    return meeting


def update_meeting(meeting: Meeting, actor, **values) -> Meeting:
    """Change a meeting; more seats move waiting registrations up."""
    _check_meeting(values)
    meeting = lock_meeting(meeting.id)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.updated_at = utcnow()
    db.session.flush()
    move_up(meeting, utcnow())
    logger.info("Meeting %s changed by %s", meeting.id, _who(actor))
    return meeting


def register(
    meeting: Meeting,
    *,
    name: str,
    municipality_id: int,
    email: str,
    persons: int,
    accessibility: str | None = None,
    interested_in_joining: bool = False,
) -> tuple[MeetingRegistration, str]:
    """Register persons for a meeting: confirmed if they fit, else on the waiting list.

    Return the registration and the secret of its cancel link (stored only as a hash).
    """
    meeting = lock_meeting(meeting.id)
    errors = registration_problems(meeting, name, municipality_id, email, persons)
    if errors:
        raise MeetingError(errors)
    token, token_hash = new_token()
    registration = MeetingRegistration(
        meeting=meeting,
        municipality_id=municipality_id,
        name=name.strip(),
        email=normalise_email(email),
        persons=persons,
        accessibility=(accessibility or "").strip() or None,
        interested_in_joining=bool(interested_in_joining),
        cancel_token_hash=token_hash,
        created_at=utcnow(),
    )
    case = engine.start(WORKFLOW, registration, REGISTRANT)
    trigger = "confirm" if persons <= meeting.seats_left else "waitlist"
    engine.fire(case.id, trigger, REGISTRANT, version=case.version)
    cancel_url = absolute_url("meetings.cancel", token=token)
    template = "meeting_confirmed" if trigger == "confirm" else "meeting_waitlisted"
    enqueue_to_registrant(registration, template, cancel_url=cancel_url)
    logger.info("Registration %s for meeting %s: %s", registration.id, meeting.id, case.state)
    return registration, token


def registration_problems(meeting, name, municipality_id, email, persons) -> dict[str, str]:
    """Return the field messages that refuse a registration (empty if it may go ahead).

    `persons` is None when the number typed is not one (the form says so): not checked here.
    """
    errors = {}
    if not meeting.is_upcoming():
        errors["name"] = _(
            "Das Netzwerktreffen hat bereits begonnen; Anmeldungen sind geschlossen."
        )
    if not (name or "").strip():
        errors["name"] = _("Bitte geben Sie Ihren Namen an.")
    if db.session.get(Municipality, municipality_id or 0) is None:
        errors["municipality"] = _("Bitte wählen Sie Ihre Kommune aus der Liste.")
    if persons is None:
        pass
    elif not 1 <= persons <= PERSONS_MAX:
        errors["persons"] = _("Bitte geben Sie eine Zahl von 1 bis %(max)d an.", max=PERSONS_MAX)
    elif persons > meeting.capacity:
        errors["persons"] = _(
            "Zu diesem Treffen können höchstens %(capacity)d Personen kommen.",
            capacity=meeting.capacity,
        )
    try:
        address = normalise_email(email or "")
    except AccountError:
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    else:
        if _active_registration_of(meeting, address) is not None:
            errors["email"] = _(
                "Mit dieser E-Mail-Adresse besteht bereits eine Anmeldung zu diesem Treffen."
            )
    return errors


def _active_registration_of(meeting: Meeting, email: str) -> MeetingRegistration | None:
    """Return the confirmed or waiting registration of `email` for the meeting, if any."""
    return db.session.scalars(
        select(MeetingRegistration)
        .join(Case, Case.id == MeetingRegistration.case_id)
        .where(
            MeetingRegistration.meeting_id == meeting.id,
            func.lower(MeetingRegistration.email) == email.lower(),
            Case.state.in_(ACTIVE_STATES),
        )
    ).first()


def find_by_token(token: str) -> MeetingRegistration | None:
    """Return the registration whose cancel link carries `token`, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalars(
        select(MeetingRegistration).where(
            MeetingRegistration.cancel_token_hash == hash_token(token)
        )
    ).one_or_none()


def cancel(registration: MeetingRegistration, actor, *, comment: str | None = None):
    """Cancel a registration (by its person via the link, or by the ministry); mail the person."""
    lock_meeting(registration.meeting_id)
    version = db.session.scalar(select(Case.version).where(Case.id == registration.case_id))
    ctx = engine.fire(registration.case_id, "cancel", actor, version=version, comment=comment)
    enqueue_to_registrant(registration, "meeting_cancelled", by_staff=actor.role != "system")
    logger.info("Registration %s cancelled by %s", registration.id, _who(actor))
    return ctx


def move_up(meeting: Meeting, now: datetime) -> list[MeetingRegistration]:
    """Confirm waiting registrations in the order they came, each one that fits; mail them."""
    if not meeting.is_upcoming(now):
        return []
    moved = []
    for registration in waiting_list(meeting):
        if registration.persons > meeting.seats_left:
            continue  # too many persons for the free seats; a smaller one behind may fit
        engine.fire(
            registration.case_id, "move_up", WAITING_LIST, version=registration.case.version
        )
        enqueue_to_registrant(registration, "meeting_moved_up")
        moved.append(registration)
    return moved


def registrations_of(meeting: Meeting, state: str | None = None) -> list[MeetingRegistration]:
    """Return the meeting's registrations in the order they came, optionally in one state."""
    stmt = (
        select(MeetingRegistration)
        .join(Case, Case.id == MeetingRegistration.case_id)
        .where(MeetingRegistration.meeting_id == meeting.id)
        .order_by(MeetingRegistration.created_at, MeetingRegistration.id)
    )
    if state is not None:
        stmt = stmt.where(Case.state == state)
    return list(db.session.scalars(stmt))


def waiting_list(meeting: Meeting) -> list[MeetingRegistration]:
    """Return the waiting registrations of the meeting, first come first."""
    return registrations_of(meeting, WAITLISTED)


def confirmed(meeting: Meeting) -> list[MeetingRegistration]:
    """Return the confirmed registrations of the meeting, first come first."""
    return registrations_of(meeting, CONFIRMED)


def _who(actor) -> str:
    return f"{actor.role}:{actor.id}"
