"""The conversation of a case: its messages, the form to write one, and the attachments."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..engine.core import subject_of
from ..engine.models import Case
from ..extensions import db
from ..files import upload_folder
from ..idempotency import forms as once
from ..security import security_event
from .forms import MessageForm
from .models import CaseMessage
from .operations import MessageRefused, post_message
from .rules import case_title, count_for, may_read, messages_for, sees_internal

bp = Blueprint("messages", __name__, url_prefix="/vorgaenge")


def _load(case_id: int):
    """Return (case, subject) if the current user may read its messages; otherwise 404."""
    case = db.session.get(Case, case_id)
    subject = subject_of(case) if case is not None else None
    if subject is None or not may_read(current_user, subject):
        security_event("access_refused", obj=f"Case:{case_id}", outcome="refused")
        abort(404)
    return case, subject


@bp.route("/<int:case_id>/nachrichten", methods=["GET", "POST"])
@login_required
def conversation(case_id: int):
    """The messages of a case between the city and the ministry; POST writes one."""
    case, subject = _load(case_id)
    form = MessageForm()
    if request.method == "GET":
        return _render(case, subject, form)
    if not form.validate():
        return _render(case, subject, form), 422
    internal = bool(form.internal.data) and sees_internal(current_user)
    submission = once.claim()
    try:
        post_message(
            current_user,
            case,
            subject,
            form.body.data,
            internal=internal,
            upload=request.files.get("attachment"),
        )
    except MessageRefused as exc:
        db.session.rollback()  # with the claim: the corrected form may be sent again
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return _render(case, subject, form), 422
    target = submission.leads_to(url_for(".conversation", case_id=case.id) + "#nachrichten")
    db.session.commit()
    flash(
        _("Die interne Notiz ist gespeichert.") if internal else _("Die Nachricht ist gesendet."),
        "success",
    )
    return redirect(target)


@bp.route("/<int:case_id>/nachrichten/<int:message_id>/anlage")
@login_required
def attachment(case_id: int, message_id: int):
    """Send the PDF of a message the current user may read."""
    case, _subject = _load(case_id)
    found = db.session.get(CaseMessage, message_id)
    if (
        found is None
        or found.case_id != case.id
        or found.attachment_stored_name is None
        or (found.internal and not sees_internal(current_user))
    ):
        abort(404)
    path = upload_folder() / found.attachment_stored_name
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=found.attachment_name
    )


def conversation_link(case) -> tuple[str, int] | None:
    """Return (URL, number of messages) of the case's conversation for the current user."""
    subject = subject_of(case)
    if not may_read(current_user, subject):
        return None
    return url_for("messages.conversation", case_id=case.id), count_for(current_user, case.id)


def _render(case, subject, form):
    return render_template(
        "messages/conversation.html",
        case=case,
        subject=subject,
        title=case_title(case, subject),
        subject_url=url_for(subject.ENDPOINT, **subject.url_values()),
        messages=messages_for(current_user, case.id),
        form=form,
        may_note=sees_internal(current_user),
    )
