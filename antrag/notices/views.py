"""Pages of the rejection notice and of the city's consent to electronic service."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import engine
from ..auth import load_visible, role_required
from ..cases.actions import fire_notice_posted, posted_version
from ..cases.page import action_error_items, build_case_view
from ..extensions import db
from ..files import upload_folder
from ..input_text import text_problem
from . import consent as consents
from .models import RejectionNotice
from .rejection_rules import rejection_notice_of
from .retrieval import retrieve_on_download

bp = Blueprint("notices", __name__, url_prefix="/bescheide")
REASONS_MAX = 20000


@bp.app_template_global()
def rejection_notice_for(application) -> RejectionNotice | None:
    """Return the rejection notice of an application, if one was drafted."""
    return rejection_notice_of(application)


@bp.route("/ablehnungen/<int:notice_id>")
@login_required
def rejection(notice_id: int):
    """The rejection notice's case page."""
    return _render(load_visible(RejectionNotice, notice_id))


@bp.route("/ablehnungen/<int:notice_id>/aktion", methods=["POST"])
@login_required
def rejection_act(notice_id: int):
    """Fire one action of the rejection notice (issue, retrieve, waive, record an action)."""
    found = load_visible(RejectionNotice, notice_id)
    return fire_notice_posted(
        found,
        _render,
        url_for(".rejection", notice_id=found.id),
        url_for(".rejection_pdf", notice_id=found.id),
    )


@bp.route("/ablehnungen/<int:notice_id>/begruendung", methods=["POST"])
@role_required("reviewer")
def rejection_reasons(notice_id: int):
    """Save the reasons of a drafted rejection notice (who may sign edits them)."""
    found = load_visible(RejectionNotice, notice_id)
    if not found.can_sign_draft(current_user):
        abort(403)
    reasons = request.form.get("reasons", "")
    problem = text_problem(reasons, multiline=True)
    if not problem and not reasons.strip():
        problem = _("Bitte geben Sie die Begründung an (§ 39 VwVfG).")
    if not problem and len(reasons) > REASONS_MAX:
        problem = _("Höchstens %(count)s Zeichen.", count=REASONS_MAX)
    if problem:
        return _render(found, reasons_error=problem, reasons=reasons), 422
    engine.touch(found.case, posted_version(request.form.get("version")))
    found.reasons = reasons.strip()
    db.session.commit()
    flash(_("Die Begründung wurde gespeichert."), "success")
    return redirect(url_for(".rejection", notice_id=found.id))


@bp.route("/ablehnungen/<int:notice_id>/pdf")
@login_required
def rejection_pdf(notice_id: int):
    """Send the issued rejection notice as a PDF download (a city's first one retrieves it)."""
    found = load_visible(RejectionNotice, notice_id)
    retrieve_on_download(found)
    if found.pdf_stored_name is None:
        abort(404)
    path = upload_folder() / found.pdf_stored_name
    if not path.is_file():
        abort(404)
    name = f"Ablehnungsbescheid-{found.file_reference}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/einwilligung", methods=["GET", "POST"])
@role_required("applicant")
def consent():
    """The city's consent to receive notices for retrieval in Antrag (§ 41 (2a) VwVfG)."""
    current = consents.current_consent(current_user.municipality_id)
    if request.method == "GET":
        return render_template(
            "notices/consent.html", consent=current, may_declare=consents.may_declare(current_user)
        )
    if not consents.may_declare(current_user):
        abort(403)
    if request.form.get("decision") == "revoke":
        consents.revoke(current_user)
        message = _("Die Einwilligung ist widerrufen. Bescheide erhalten Sie künftig per Post.")
    elif request.form.get("confirm_consent") == "y":
        consents.declare(current_user)
        message = _(
            "Die Einwilligung ist erklärt. Bescheide können Ihnen nun zum Abruf bereitgestellt werden."
        )
    else:
        error = _("Bitte bestätigen Sie die Einwilligung.")
        page = render_template(
            "notices/consent.html", consent=current, may_declare=True, consent_error=error
        )
        return page, 422
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".consent"))


def _render(found: RejectionNotice, failed=None, reasons_error=None, reasons=None):
    """Render the rejection notice page."""
    view = build_case_view(found.case, current_user, found)
    if failed:
        failed["summary"] = action_error_items(view, failed["trigger"], failed["errors"])
    return render_template(
        "notices/rejection.html",
        notice=found,
        case_view=view,
        failed=failed,
        reasons_error=reasons_error,
        reasons=found.reasons if reasons is None else reasons,
    )
