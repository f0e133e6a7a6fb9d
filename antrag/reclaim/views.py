"""Pages of the reclaim: the case page (ministry and city), opening one, its documents."""

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import engine
from ..applications.storage import UploadRefused, check_pdf, safe_display_name
from ..auth import load_visible
from ..cases.actions import INPUT_PREFIX, fire_notice_posted, fire_posted, posted_version
from ..cases.page import action_error_items, build_case_view
from ..engine.errors import InvalidInput
from ..extensions import db
from ..files import upload_folder, write_new
from ..formats import parse_amount
from ..funding.models import FundingNotice
from ..funding.rules import paid
from ..idempotency import forms as once
from ..notices.retrieval import retrieve_on_download
from . import operations as ops
from .forms import AnswerUploadForm, OpenReclaimForm
from .models import Reclaim

bp = Blueprint("reclaim", __name__, url_prefix="/rueckforderungen")
# Inputs of kind amount, typed in German form on the case page.
AMOUNT_INPUTS = {
    "propose_decision": ("amount",),
    "record_receipt": ("received_amount",),
    "record_receipt_final": ("received_amount",),
    "record_receipt_overdue": ("received_amount",),
}
RECEIPT_TRIGGERS = ("record_receipt", "record_receipt_final", "record_receipt_overdue")


@bp.app_template_global()
def reclaims_for(notice) -> list[Reclaim]:
    """Return the reclaims of a funding notice (listed on the notice page)."""
    return ops.reclaims_of(notice)


@bp.route("/<int:reclaim_id>")
@login_required
def page(reclaim_id: int):
    """The reclaim's case page."""
    return _render(load_visible(Reclaim, reclaim_id))


@bp.route("/<int:reclaim_id>/aktion", methods=["POST"])
@login_required
def act(reclaim_id: int):
    """Fire one action of the reclaim (hearing, answer, decision, issue, receipt …)."""
    found = load_visible(Reclaim, reclaim_id)
    trigger = request.form.get("trigger", "")
    inputs, errors = _amounts(trigger)
    if errors:
        failed = {"trigger": trigger, "errors": errors, "comment": request.form.get("comment", "")}
        failed["inputs"] = {k.removeprefix(INPUT_PREFIX): v for k, v in request.form.items()}
        return _render(found, failed=failed), 422
    page = url_for(".page", reclaim_id=found.id)
    if inputs:  # the decision and the receipt: amounts typed in German form
        response = fire_posted(found, _render, page, inputs)
        # A refusal is a (page, status) pair; only a redirect means the receipt was booked.
        if trigger in RECEIPT_TRIGGERS and getattr(response, "status_code", None) == 302:
            _settle_if_paid(found)
        return response
    # The waiver is declared and confirmed as for every notice (and retrieving downloads).
    return fire_notice_posted(found, _render, page, url_for(".notice_pdf", reclaim_id=found.id))


def _settle_if_paid(found: Reclaim) -> None:
    """Close the reclaim at once when the receipt just recorded paid everything (own step)."""
    db.session.expire_all()
    try:
        if ops.settle_if_paid(db.session.get(Reclaim, found.id), current_user):
            db.session.commit()
            flash(_("Alles ist bezahlt: Die Rückforderung ist abgeschlossen."), "success")
    except engine.EngineError:  # someone else closed it, or it is not settled after all
        db.session.rollback()


def _amounts(trigger: str) -> tuple[dict | None, dict]:
    """Read the amount inputs as German amounts (5.000,00); return (inputs, field errors)."""
    inputs, errors = {}, {}
    for name in AMOUNT_INPUTS.get(trigger, ()):
        text = request.form.get(INPUT_PREFIX + name, "").strip()
        if not text:
            continue
        try:
            inputs[name] = parse_amount(text)
        except ValueError as exc:
            errors[name] = str(exc)
    return inputs or None, errors


@bp.route("/bescheide/<int:notice_id>/neu", methods=["GET", "POST"])
@login_required
def open_for_notice(notice_id: int):
    """A reviewer opens a reclaim against a funding notice whose purpose was not met."""
    notice = load_visible(FundingNotice, notice_id)
    if current_user.role != "reviewer":
        abort(403)
    form = OpenReclaimForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return _render_open(notice, form), status
    submission = once.claim()
    try:
        reclaim = ops.open_by_reviewer(
            current_user, notice, form.amount.data, form.reason.data, form.facts_known_on.data
        )
    except InvalidInput as exc:
        db.session.rollback()
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return _render_open(db.session.get(FundingNotice, notice_id), form), 422
    target = submission.leads_to(url_for(".page", reclaim_id=reclaim.id))
    db.session.commit()
    flash(_("Die Rückforderung ist eröffnet. Als Nächstes wird die Kommune angehört."), "success")
    return redirect(target)


@bp.route("/<int:reclaim_id>/stellungnahme", methods=["POST"])
@login_required
def answer_upload(reclaim_id: int):
    """The city attaches a PDF to its answer while the hearing runs."""
    found = load_visible(Reclaim, reclaim_id)
    if not found.can_answer(current_user):
        abort(403)
    form = AnswerUploadForm()
    upload = form.document.data
    submission = once.claim()
    try:
        if not upload or not upload.filename:
            raise UploadRefused(_("Bitte wählen Sie eine PDF-Datei aus."))
        data = upload.read()
        check_pdf(data)
        engine.touch(found.case, posted_version(form.version.data))
        found.answer_pdf_stored_name, found.answer_pdf_sha256 = write_new(data)
        found.answer_pdf_name = safe_display_name(upload.filename)
    except UploadRefused as exc:
        db.session.rollback()
        form.document.errors = [str(exc)]
        return _render(db.session.get(Reclaim, reclaim_id), upload_form=form), 422
    target = submission.leads_to(url_for(".page", reclaim_id=found.id))
    db.session.commit()
    flash(_("Die Unterlagen wurden gespeichert."), "success")
    return redirect(target)


def _send(stored_name: str | None, download_name: str):
    if stored_name is None:
        abort(404)
    path = upload_folder() / stored_name
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=download_name
    )


@bp.route("/<int:reclaim_id>/anhoerung.pdf")
@login_required
def hearing_pdf(reclaim_id: int):
    """Send the hearing letter."""
    found = load_visible(Reclaim, reclaim_id)
    return _send(found.hearing_pdf_stored_name, f"Anhoerung-{found.file_reference}.pdf")


@bp.route("/<int:reclaim_id>/stellungnahme.pdf")
@login_required
def answer_pdf(reclaim_id: int):
    """Send the PDF the city attached to its answer."""
    found = load_visible(Reclaim, reclaim_id)
    name = found.answer_pdf_name or f"Stellungnahme-{found.file_reference}.pdf"
    return _send(found.answer_pdf_stored_name, Path(name).name)


@bp.route("/<int:reclaim_id>/bescheid.pdf")
@login_required
def notice_pdf(reclaim_id: int):
    """Send the reclaim notice (a city's first download retrieves one provided electronically)."""
    found = load_visible(Reclaim, reclaim_id)
    retrieve_on_download(found)
    return _send(found.pdf_stored_name, f"Rueckforderungsbescheid-{found.file_reference}.pdf")


def _render_open(notice: FundingNotice, form: OpenReclaimForm):
    return render_template(
        "reclaim/open.html",
        notice=notice,
        form=form,
        paid=paid(notice),
        most=ops.reclaimable(notice),
        may_open=notice.case.state in ops.RECLAIMABLE_NOTICE_STATES,
    )


def _render(found: Reclaim, failed=None, upload_form=None):
    """Render the reclaim page."""
    view = build_case_view(found.case, current_user, found)
    if failed:
        failed["summary"] = action_error_items(view, failed["trigger"], failed["errors"])
    calculation = account = None
    if found.interest_from is not None:
        until = found.received_on or ops.berlin_today()
        calculation = ops.reclaim_interest(found, until)
        if found.receipts or found.case.workflow_version >= 2:
            account = ops.reclaim_statement(found, until)
    if found.can_answer(current_user) and upload_form is None:
        upload_form = AnswerUploadForm(version=found.case.version)
    return render_template(
        "reclaim/page.html",
        reclaim=found,
        case_view=view,
        failed=failed,
        calculation=calculation,
        account=account,
        upload_form=upload_form if found.can_answer(current_user) else None,
        today=ops.berlin_today(),
    )
