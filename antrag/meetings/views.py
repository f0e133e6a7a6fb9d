"""Public meeting pages: list, a meeting with its registration form, .ics, confirmation, cancel."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from .. import engine
from ..db_types import utcnow
from ..extensions import db
from ..fields import AppForm
from ..idempotency import forms as once
from ..limits import public
from ..programme.models import Municipality
from .forms import RegistrationForm
from .ics import meeting_calendar
from .models import WORKFLOW, Meeting, MeetingRegistration, is_staff
from .operations import (
    REGISTRANT,
    MeetingError,
    cancel,
    find_by_token,
    register,
    registration_problems,
    waiting_list,
)

bp = Blueprint("meetings", __name__, url_prefix="/netzwerktreffen")
SESSION_KEY = "meeting_registrations"  # meeting id -> the registration made in this session


@bp.context_processor
def template_labels() -> dict:
    """Give the meeting templates the translated labels of the registration states."""
    states = engine.workflows().state_labels(WORKFLOW)  # of every version a case may run on
    return {"state_labels": {name: _(text) for name, text in states.items()}, "is_staff": is_staff}


@bp.route("/")
def index():
    """Upcoming meetings (soonest first) and past meetings (latest first)."""
    now = utcnow()
    upcoming = db.session.scalars(
        select(Meeting).where(Meeting.starts_at > now).order_by(Meeting.starts_at)
    ).all()
    past = db.session.scalars(
        select(Meeting).where(Meeting.starts_at <= now).order_by(Meeting.starts_at.desc())
    ).all()
    return render_template("meetings/index.html", upcoming=upcoming, past=past)


def _registration_form() -> RegistrationForm:
    form = RegistrationForm()
    form.set_municipalities(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    return form


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
def detail(meeting_id: int):
    """A meeting with its agenda and, while it lies ahead, the registration form."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    confirmation = url_for("meetings.confirmation", meeting_id=meeting.id)
    if request.method == "POST" and public.is_bot("meeting_registration"):
        return redirect(confirmation)  # answered like a registration; nothing is stored
    form = _registration_form()
    if not meeting.is_upcoming():
        return _detail_page(meeting, form)
    if not form.validate_on_submit():
        csrf = getattr(form, "csrf_token", None)
        if request.method == "POST" and not (csrf is not None and csrf.errors):
            _add_meeting_problems(meeting, form)  # all messages in one round trip
        return _detail_page(meeting, form)
    submission = once.claim()
    public.limit(
        "meeting_registration", form.email.data, contact=current_app.config["OPERATOR_EMAIL"]
    )
    try:
        registration, _token = register(
            meeting,
            name=form.name.data,
            municipality_id=int(form.municipality.data),
            email=form.email.data,
            persons=form.persons.number,
            accessibility=form.accessibility.data,
            interested_in_joining=form.interested_in_joining.data,
        )
    except MeetingError as exc:
        db.session.rollback()
        for name, message in exc.errors.items():
            getattr(form, name).errors.append(message)
        return _detail_page(meeting, form)
    submission.leads_to(confirmation)
    db.session.commit()
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), str(meeting.id): registration.id}
    return redirect(confirmation)


def _add_meeting_problems(meeting: Meeting, form) -> None:
    """Add the meeting's own checks (address, seats, duplicate) to fields the form passed."""
    municipality = form.municipality.data
    problems = registration_problems(
        meeting,
        form.name.data,
        int(municipality) if (municipality or "").isascii() and municipality.isdigit() else None,
        form.email.data,
        getattr(form.persons, "number", None),
    )
    for name, message in problems.items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [*field.errors, message]


def _detail_page(meeting: Meeting, form):
    status = 422 if request.method == "POST" else 200
    return render_template("meetings/detail.html", meeting=meeting, form=form), status


@bp.route("/<int:meeting_id>/anmeldung")
def confirmation(meeting_id: int):
    """What became of the registration made in this browser session: confirmed or waiting."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    registration_id = session.get(SESSION_KEY, {}).get(str(meeting.id))
    registration = db.session.get(MeetingRegistration, registration_id) if registration_id else None
    if registration is not None and registration.meeting_id != meeting.id:
        registration = None
    position = None
    if registration is not None and registration.state == "waitlisted":
        position = [r.id for r in waiting_list(meeting)].index(registration.id) + 1
    return render_template(
        "meetings/confirmation.html", meeting=meeting, registration=registration, position=position
    )


@bp.route("/<int:meeting_id>/kalender.ics")
def ics(meeting_id: int):
    """The meeting as an iCalendar file."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    body = meeting_calendar(
        meeting, url_for("meetings.detail", meeting_id=meeting.id, _external=True)
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="netzwerktreffen-{meeting.id}.ics"',
        },
    )


@bp.route("/abmelden/<token>", methods=["GET", "POST"], endpoint="cancel")
def cancel_registration(token: str):
    """Cancel a registration with the mailed link: GET asks, POST cancels."""
    registration = find_by_token(token)
    if registration is None or registration.state == "cancelled":
        used = registration is not None
        return render_template("meetings/cancel_invalid.html", used=used), 404
    form = AppForm()
    if not registration.meeting.is_upcoming():
        return render_template("meetings/cancel.html", registration=registration, form=None), 200
    if not form.validate_on_submit():
        return render_template("meetings/cancel.html", registration=registration, form=form)
    cancel(registration, REGISTRANT)
    db.session.commit()
    return render_template("meetings/cancel_done.html", registration=registration)
