"""Pages of amendment notices: drafting on a funding notice, the amendment's case page, PDFs."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth import load_visible, role_required
from ..cases.actions import fire_notice_posted, posted_version
from ..cases.page import action_error_items, build_case_view, state_label
from ..engine.errors import InvalidInput
from ..extensions import db
from ..files import upload_folder
from ..funding.models import FundingNotice
from ..idempotency import forms as once
from ..notices.retrieval import retrieve_on_download
from .forms import AmendmentForm
from .models import AmendmentNotice
from .operations import draft_amendment, edit_amendment

bp = Blueprint("amendments", __name__, url_prefix="/bescheide")
FIELD_OF_ERROR = {"new_amount": "new_amount", "reasons": "reasons", "changes": "new_period_end"}


@bp.app_template_global()
def amendments_of(notice) -> list[AmendmentNotice]:
    """Return the amendments of a funding notice the current user may see, oldest first."""
    found = db.session.scalars(
        select(AmendmentNotice)
        .where(AmendmentNotice.notice_id == notice.id)
        .order_by(AmendmentNotice.id)
    )
    return [a for a in found if a.can_view(current_user)]


@bp.app_template_global()
def added_conditions(notice) -> list:
    """Return the conditions amendments in effect added to a funding notice."""
    from .applying import conditions_of

    return conditions_of(notice)


@bp.app_template_global()
def visible_amendments() -> list[AmendmentNotice]:
    """Return every amendment the current user may see, newest first (the notice list)."""
    query = select(AmendmentNotice).order_by(AmendmentNotice.id.desc())
    if getattr(current_user, "role", None) == "applicant":
        query = query.where(
            AmendmentNotice.municipality_id == current_user.municipality_id,
            AmendmentNotice.issued_at.is_not(None),
        )
    return [a for a in db.session.scalars(query) if a.can_view(current_user)]


@bp.route("/<int:notice_id>/aenderungen/neu", methods=["GET", "POST"])
@login_required
def new(notice_id: int):
    """Draft an amendment notice to a funding notice (the ministry; the city: 403)."""
    notice = load_visible(FundingNotice, notice_id)
    if current_user.role != "reviewer":
        abort(403)
    form = AmendmentForm()
    if request.method == "GET":
        return render_template("amendments/form.html", notice=notice, form=form)
    if not form.validate():
        return render_template("amendments/form.html", notice=notice, form=form), 422
    submission = once.claim()
    try:
        amendment = draft_amendment(current_user, notice, **form.values())
    except InvalidInput as exc:
        db.session.rollback()
        _field_errors(form, exc)
        notice = db.session.get(FundingNotice, notice_id)
        return render_template("amendments/form.html", notice=notice, form=form), 422
    target = submission.leads_to(url_for(".amendment", amendment_id=amendment.id))
    db.session.commit()
    flash(_("Der Entwurf des Änderungsbescheids ist angelegt."), "success")
    return redirect(target)


@bp.route("/aenderungen/<int:amendment_id>")
@login_required
def amendment(amendment_id: int):
    """The amendment notice's case page."""
    return _render(load_visible(AmendmentNotice, amendment_id))


@bp.route("/aenderungen/<int:amendment_id>/bearbeiten", methods=["POST"])
@role_required("reviewer")
def edit(amendment_id: int):
    """Save the changes and reasons of a drafted amendment."""
    found = load_visible(AmendmentNotice, amendment_id)
    if not found.can_edit(current_user):
        abort(403)
    form = AmendmentForm()
    if not form.validate():
        return _render(found, form=form), 422
    try:
        edit_amendment(current_user, found, posted_version(form.version.data), **form.values())
    except InvalidInput as exc:
        db.session.rollback()
        _field_errors(form, exc)
        return _render(db.session.get(AmendmentNotice, amendment_id), form=form), 422
    db.session.commit()
    flash(_("Der Entwurf wurde gespeichert."), "success")
    return redirect(url_for(".amendment", amendment_id=found.id))


@bp.route("/aenderungen/<int:amendment_id>/aktion", methods=["POST"])
@login_required
def act(amendment_id: int):
    """Fire one action of the amendment (propose, co-sign, issue, retrieve, waive, …)."""
    found = load_visible(AmendmentNotice, amendment_id)
    return fire_notice_posted(
        found,
        _render,
        url_for(".amendment", amendment_id=found.id),
        url_for(".pdf", amendment_id=found.id),
    )


@bp.route("/aenderungen/<int:amendment_id>/pdf")
@login_required
def pdf(amendment_id: int):
    """Send the issued amendment as a PDF download (a city's first one retrieves it)."""
    found = load_visible(AmendmentNotice, amendment_id)
    retrieve_on_download(found)
    if found.pdf_stored_name is None:
        abort(404)
    path = upload_folder() / found.pdf_stored_name
    if not path.is_file():
        abort(404)
    name = f"Aenderungsbescheid-{found.file_reference}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/aenderungen/<int:amendment_id>/vorschau.pdf")
@login_required
def preview(amendment_id: int):
    """The amendment as it would be issued, marked "Entwurf": not sealed, not stored."""
    from ..law.courts import NoCompetentCourt
    from ..letters import render_amendment_notice

    found = load_visible(AmendmentNotice, amendment_id)
    if found.pdf_stored_name is not None:
        abort(404)
    if not found.can_sign_draft(current_user):
        abort(403)
    try:
        data = render_amendment_notice(found, current_user, draft=True)
    except NoCompetentCourt:
        flash(_("Für den Entwurf ist kein zuständiges Verwaltungsgericht bekannt."), "error")
        return redirect(url_for(".amendment", amendment_id=found.id))
    name = f"Entwurf-Aenderungsbescheid-{found.file_reference}.pdf"
    response = send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def _field_errors(form: AmendmentForm, exc: InvalidInput) -> None:
    for key, message in exc.errors.items():
        getattr(form, FIELD_OF_ERROR.get(key, "reasons")).errors = [message]


def _render(found: AmendmentNotice, failed=None, form=None):
    """Render the amendment page (with the edit form for a draft)."""
    view = build_case_view(found.case, current_user, found)
    if failed:
        failed["summary"] = action_error_items(view, failed["trigger"], failed["errors"])
    if form is None and found.can_edit(current_user):
        form = AmendmentForm(
            formdata=None,
            version=found.case.version,
            new_period_end=found.new_period_end,
            new_amount=found.new_amount,
            condition=found.additional_condition,
            reasons=found.reasons,
        )
    return render_template(
        "amendments/amendment.html",
        amendment=found,
        notice=found,
        case_view=view,
        failed=failed,
        form=form,
        state_label=state_label,
    )
