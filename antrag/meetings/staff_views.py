"""The ministry's meeting pages: plan meetings, see registrations and the waiting list, leads.

Reviewers and admins both manage meetings: the ministry's clerks run the network, and the
administration may step in (for example when a clerk is away).
"""

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.operations import AccountError
from ..auth import load_visible, role_required
from ..cases.page import state_label
from ..engine.calendar import BERLIN
from ..extensions import db
from ..fields import AppForm
from ..idempotency import forms as once
from .forms import MeetingForm
from .leads import LeadError, access_requests_of, city_overview, invite_lead, leads
from .models import STAFF_ROLES, Meeting, MeetingRegistration
from .operations import MeetingError, cancel, create_meeting, registrations_of, update_meeting
from .views import template_labels

bp = Blueprint("meeting_admin", __name__, url_prefix="/netzwerktreffen/verwaltung")
FORM = "meetings/meeting_form.html"
bp.context_processor(template_labels)


def _values(form: MeetingForm) -> dict:
    """Return the meeting's column values from the form; Berlin wall-clock times become UTC."""

    def moment(day, field) -> datetime:
        return datetime.combine(day, time(*field.time), tzinfo=BERLIN)

    return {
        "title": form.title.data.strip(),
        "starts_at": moment(form.day.data, form.start_time),
        "ends_at": moment(form.last_day, form.end_time),
        "place": form.place.data.strip(),
        "agenda": (form.agenda.data or "").strip(),
        "capacity": form.capacity.number,
    }


def _form_page(form, meeting):
    status = 422 if request.method == "POST" else 200
    return render_template(FORM, form=form, meeting=meeting), status


def _save(form, meeting):
    """Create or change the meeting from a valid form; re-render with field messages if refused."""
    submission = once.claim() if meeting is None else None
    try:
        if meeting is None:
            meeting = create_meeting(current_user, **_values(form))
        else:
            update_meeting(meeting, current_user, **_values(form))
    except MeetingError as exc:
        db.session.rollback()
        for name, message in exc.errors.items():
            getattr(form, name).errors.append(message)
        return _form_page(form, meeting)
    target = url_for("meeting_admin.registrations", meeting_id=meeting.id)
    if submission is not None:
        submission.leads_to(target)
    db.session.commit()
    flash(_("Das Netzwerktreffen „%(title)s“ wurde gespeichert.", title=meeting.title), "success")
    return redirect(target)


@bp.route("/")
@role_required(*STAFF_ROLES)
def index():
    """Every meeting, latest first, with confirmed persons and waiting registrations."""
    meetings = db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at.desc())).all()
    return render_template("meetings/staff_index.html", meetings=meetings)


@bp.route("/neu", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def new():
    """Plan a new meeting."""
    form = MeetingForm()
    if not form.validate_on_submit():
        return _form_page(form, None)
    return _save(form, None)


@bp.route("/<int:meeting_id>/bearbeiten", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def edit(meeting_id: int):
    """Change a meeting; more seats move waiting registrations up."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    form = MeetingForm(data=_form_data(meeting)) if request.method == "GET" else MeetingForm()
    if not form.validate_on_submit():
        return _form_page(form, meeting)
    return _save(form, meeting)


def _form_data(meeting: Meeting) -> dict:
    starts, ends = meeting.starts_at.astimezone(BERLIN), meeting.ends_at.astimezone(BERLIN)
    return {
        "title": meeting.title,
        "day": starts.date(),
        "start_time": starts.strftime("%H:%M"),
        # Left empty for the usual meeting that ends on the day it starts.
        "end_day": ends.date() if ends.date() != starts.date() else None,
        "end_time": ends.strftime("%H:%M"),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "capacity": str(meeting.capacity),
    }


@bp.route("/<int:meeting_id>")
@role_required(*STAFF_ROLES)
def registrations(meeting_id: int):
    """A meeting's registrations: confirmed, waiting list in order, cancelled."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    rows = registrations_of(meeting)
    groups = {
        state: [r for r in rows if r.state == state]
        for state in ("confirmed", "waitlisted", "cancelled")
    }
    return render_template(
        "meetings/registrations.html", meeting=meeting, groups=groups, form=AppForm()
    )


@bp.route("/anmeldungen/<int:registration_id>/abmelden", methods=["POST"])
@role_required(*STAFF_ROLES)
def cancel_registration(registration_id: int):
    """Cancel a registration on the person's behalf (e.g. asked by phone)."""
    registration = load_visible(MeetingRegistration, registration_id)
    form = AppForm()
    if not form.validate_on_submit():
        abort(400)
    cancel(registration, current_user, comment=request.form.get("comment") or None)
    db.session.commit()
    flash(_("Die Anmeldung von %(name)s wurde storniert.", name=registration.name), "success")
    return redirect(url_for("meeting_admin.registrations", meeting_id=registration.meeting_id))


@bp.route("/interessenten")
@role_required(*STAFF_ROLES)
def lead_list():
    """Registrations of non-member municipalities that are interested in joining."""
    found = leads()
    return render_template(
        "meetings/leads.html",
        leads=found,
        cities=city_overview(found),
        requests=access_requests_of(found),
        state_label=state_label,
        form=AppForm(),
    )


@bp.route("/interessenten/<int:registration_id>/einladen", methods=["POST"])
@role_required(*STAFF_ROLES)
def invite(registration_id: int):
    """Create an account from a lead that waits for confirmation before it sees anything."""
    registration = load_visible(MeetingRegistration, registration_id)
    form = AppForm()
    if not form.validate_on_submit():
        abort(400)
    submission = once.claim()
    try:
        access_request = invite_lead(registration, current_user)
    except (LeadError, AccountError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("meeting_admin.lead_list"))
    result_url = url_for("access.request_page", request_id=access_request.id)
    submission.leads_to(result_url)
    db.session.commit()
    flash(
        _(
            "Für %(municipality)s wurde ein Konto angelegt; die Einladung geht an %(email)s. "
            "Es sieht die Vorgänge von %(municipality)s erst, wenn ein Konto der Kommune oder "
            "das Ministerium den Zugang bestätigt.",
            municipality=access_request.municipality.name,
            email=access_request.user.email,
        ),
        "success",
    )
    return redirect(result_url)
