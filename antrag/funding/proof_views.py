"""Pages of the proof of use: the city's report, receipts list and funds (review: proof_review_views).

Routes hang on the funding blueprint (`funding.proof`, …). The city edits while it holds
the pen (`ProofOfUse.can_edit`); a ministry reviewer reviews while the proof is submitted
(`ProofOfUse.can_review`); everyone else gets 403 (the wrong city: 404, by `load_visible`).
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..applications.storage import UploadRefused
from ..auth import load_visible
from ..cases.actions import fire_posted, posted_version
from ..cases.page import state_label
from ..engine.errors import InvalidInput, WrongState
from ..extensions import db
from ..idempotency import forms as once
from . import storage
from .forms import ProofForm, ProofUploadForm
from .models import ProofAttachment, ProofOfUse
from .operations import attach_to_proof, save_proof
from .proof_forms import FundsForm, ReceiptForm, RemoveForm
from .proof_models import ProofFunds, ProofReceipt
from .proof_operations import add_funds, add_receipt, remove_funds, remove_receipt
from .proof_review import figures_of, receipt_mismatches, recognised_total
from .proof_rules import lines_by_project, proof_gaps, spent
from .rules import paid
from .views import bp, case_view


@bp.route("/nachweise/<int:proof_id>", methods=["GET", "POST"])
@login_required
def proof(proof_id: int):
    """The proof of use: its case page and, for the city while it holds the pen, the form."""
    found = load_visible(ProofOfUse, proof_id)
    projects = found.notice.application.projects
    if request.method == "GET":
        return render_proof(found)
    _check_editable(found)
    form = ProofForm.for_projects(projects, formdata=request.form)
    if not form.validate():
        return render_proof(found, form=form), 422
    save_proof(
        current_user,
        found,
        posted_version(form.version.data),
        form.report.data or "",
        form.spent(projects),
    )
    db.session.commit()
    flash(_("Verwendungsnachweis gespeichert."), "success")
    return redirect(url_for(".proof", proof_id=found.id))


@bp.route("/nachweise/<int:proof_id>/belege", methods=["POST"])
@login_required
def proof_upload(proof_id: int):
    """Attach a PDF document to the proof of use."""
    found = load_visible(ProofOfUse, proof_id)
    _check_editable(found)
    form = ProofUploadForm()
    upload = form.document.data
    submission = once.claim()
    try:
        if not upload or not upload.filename:
            raise UploadRefused(_("Bitte wählen Sie eine PDF-Datei aus."))
        attach_to_proof(
            current_user, found, posted_version(form.version.data), upload.read(), upload.filename
        )
    except UploadRefused as exc:
        db.session.rollback()
        form.document.errors = [str(exc)]
        return render_proof(db.session.get(ProofOfUse, proof_id), upload_form=form), 422
    target = submission.leads_to(url_for(".proof", proof_id=found.id))
    db.session.commit()
    flash(_("Der Beleg wurde gespeichert."), "success")
    return redirect(target)


@bp.route("/nachweise/<int:proof_id>/belege/<int:attachment_id>")
@login_required
def proof_attachment(proof_id: int, attachment_id: int):
    """Send a document of a visible proof of use."""
    found = load_visible(ProofOfUse, proof_id)
    attachment = db.session.get(ProofAttachment, attachment_id)
    if attachment is None or attachment.proof_id != found.id:
        abort(404)
    path = storage.proof_attachment_path(attachment)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
    )


@bp.route("/nachweise/<int:proof_id>/belegliste", methods=["POST"])
@login_required
def proof_add_receipt(proof_id: int):
    """Add a row to the receipts list (city, while it holds the pen)."""
    found = load_visible(ProofOfUse, proof_id)
    _check_editable(found)
    form = ReceiptForm.for_projects(found.notice.application.projects)
    fields = {"project_id": form.project, "paid_on": form.paid_on, "payee": form.payee}
    fields |= {"purpose": form.purpose, "amount": form.amount}
    return _add_row(found, form, "receipt_form", add_receipt, fields, "belegliste",
                    _("Der Beleg wurde in die Belegliste eingetragen."))  # fmt: skip


@bp.route("/nachweise/<int:proof_id>/belegliste/<int:receipt_id>/entfernen", methods=["POST"])
@login_required
def proof_remove_receipt(proof_id: int, receipt_id: int):
    """Remove a row from the receipts list."""
    return _remove_row(proof_id, ProofReceipt, receipt_id, remove_receipt, "belegliste",
                       _("Der Beleg wurde aus der Belegliste entfernt."))  # fmt: skip


@bp.route("/nachweise/<int:proof_id>/mittel", methods=["POST"])
@login_required
def proof_add_funds(proof_id: int):
    """Declare income or third-party funds (city, while it holds the pen)."""
    found = load_visible(ProofOfUse, proof_id)
    _check_editable(found)
    form = FundsForm()
    fields = {"kind": form.kind, "description": form.description, "amount": form.amount}
    return _add_row(found, form, "funds_form", add_funds, fields, "mittel",
                    _("Die Einnahmen bzw. Mittel Dritter wurden eingetragen."))  # fmt: skip


@bp.route("/nachweise/<int:proof_id>/mittel/<int:funds_id>/entfernen", methods=["POST"])
@login_required
def proof_remove_funds(proof_id: int, funds_id: int):
    """Remove declared income or third-party funds."""
    return _remove_row(proof_id, ProofFunds, funds_id, remove_funds, "mittel",
                       _("Der Eintrag wurde entfernt."))  # fmt: skip


def _add_row(found, form, form_name: str, add, fields: dict, anchor: str, message: str):
    """Validate `form`, add its row to the proof with `add` (once), and go back to the list."""
    if not form.validate():
        return render_proof(found, **{form_name: form}), 422
    submission = once.claim()
    try:
        version = posted_version(form.version.data)
        add(current_user, found, version, **{name: f.data for name, f in fields.items()})
    except InvalidInput as exc:
        db.session.rollback()
        return _refused(found.id, form, exc, form_name)
    target = submission.leads_to(url_for(".proof", proof_id=found.id) + f"#{anchor}")
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _remove_row(proof_id: int, model, row_id: int, remove, anchor: str, message: str):
    """Remove one row (a receipt, declared funds) of a proof the city still edits."""
    found = load_visible(ProofOfUse, proof_id)
    row = db.session.get(model, row_id)
    if row is None or row.proof_id != found.id:
        abort(404)
    _check_editable(found)
    form = RemoveForm()
    if not form.validate():
        abort(400)
    remove(current_user, found, posted_version(form.version.data), row)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".proof", proof_id=found.id) + f"#{anchor}")


@bp.route("/nachweise/<int:proof_id>/aktion", methods=["POST"])
@login_required
def proof_act(proof_id: int):
    """Fire one action of the proof of use (submit, request changes, accept)."""
    found = load_visible(ProofOfUse, proof_id)
    return fire_posted(found, render_proof, url_for(".proof", proof_id=found.id))


def _refused(proof_id: int, form, exc: InvalidInput, name: str):
    """Show the form again with the operation's field messages (nothing was saved)."""
    for field_name, message in exc.errors.items():
        target = getattr(form, field_name, None) or form.amount
        target.errors = [message]
    return render_proof(db.session.get(ProofOfUse, proof_id), **{name: form}), 422


def _check_editable(found: ProofOfUse) -> None:
    """Refuse a change of the proof: 403 for other roles, a reason for the city."""
    if found.can_edit(current_user):
        return
    if current_user.role != "applicant":
        abort(403)
    raise WrongState(
        _(
            "Der Verwendungsnachweis ist im Status „%(state)s“ und kann nicht bearbeitet werden.",
            state=state_label(found.case),
        )
    )


def summary(found: ProofOfUse) -> dict:
    """Return the review's figures for the pages: recognised, entitled, paid, reclaim."""
    from .proof_review import entitled

    figures = figures_of(found)
    return {
        "spent": spent(found),
        "recognised": found.recognised_total
        if found.recognised_total is not None
        else recognised_total(found),
        "income": figures.income,
        "third_party": figures.third_party,
        "entitled": found.entitled_amount if found.entitled_amount is not None else entitled(found),
        "paid": paid(found.notice),
        "financing_type": found.notice.financing_type,
    }


def render_proof(found: ProofOfUse, failed=None, form=None, upload_form=None, **forms):
    """Render the proof-of-use page."""
    projects = found.notice.application.projects
    editable = found.can_edit(current_user)
    version = found.case.version
    if editable and form is None:
        form = ProofForm.for_projects(projects, proof=found)
    if editable and upload_form is None:
        upload_form = ProofUploadForm(version=version)
    receipt_form = forms.get("receipt_form")
    if editable and receipt_form is None:
        receipt_form = ReceiptForm.for_projects(projects, version=version, formdata=None)
    funds_form = forms.get("funds_form") or (FundsForm(version=version, formdata=None))
    return render_template(
        "funding/proof.html",
        proof=found,
        case_view=case_view(found, failed),
        failed=failed,
        projects=projects,
        lines=lines_by_project(found),
        form=form if editable else None,
        upload_form=upload_form if editable else None,
        receipt_form=receipt_form if editable else None,
        funds_form=funds_form if editable else None,
        remove_form=RemoveForm(version=version, formdata=None) if editable else None,
        gaps=proof_gaps(found),
        mismatches=receipt_mismatches(found),
        summary=summary(found),
        paid=paid(found.notice),
        spent=spent(found),
    )


from . import proof_review_views  # noqa: E402,F401 - the ministry's review page
