"""The ministry's review of a proof of use, item by item (`funding.proof_review`).

Only a ministry reviewer opens it (the city: 403; anyone else: 404 by `load_visible`), and
changes it only while the proof is submitted (`ProofOfUse.can_review`): the proposal of the
acceptance fixes the figures.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import load_visible
from ..cases.actions import posted_version
from ..cases.page import state_label
from ..engine.errors import InvalidInput, WrongState
from ..extensions import db
from .models import ProofOfUse
from .proof_forms import ReviewForm
from .proof_operations import save_review
from .proof_review import review_gaps
from .proof_views import summary
from .views import bp


@bp.route("/nachweise/<int:proof_id>/pruefung", methods=["GET", "POST"])
@login_required
def proof_review(proof_id: int):
    """The ministry's item-by-item review: recognised expenditure, reasons, receipts."""
    found = load_visible(ProofOfUse, proof_id)
    if current_user.role != "reviewer":
        abort(403)
    if request.method == "GET":
        return _render_review(found)
    _check_reviewable(found)
    form = ReviewForm.for_proof(found, formdata=request.form)
    if not form.validate():
        return _render_review(found, form), 422
    lines, receipts = form.verdict(found)
    try:
        save_review(current_user, found, posted_version(form.version.data), lines, receipts)
    except InvalidInput as exc:
        db.session.rollback()
        found = db.session.get(ProofOfUse, proof_id)
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return _render_review(found, form), 422
    db.session.commit()
    flash(_("Die Prüfung wurde gespeichert."), "success")
    return redirect(url_for(".proof_review", proof_id=found.id))


def _check_reviewable(found: ProofOfUse) -> None:
    """Refuse a review outside the state `submitted`, saying why (the proposal fixed it)."""
    if found.can_review(current_user):
        return
    raise WrongState(
        _(
            "Der Verwendungsnachweis ist im Status „%(state)s“; die Prüfung kann nur im Status "
            "„Eingereicht“ geändert werden. Nach dem Vorschlag der Anerkennung stehen die "
            "Beträge fest; wer sie ändern will, gibt den Vorschlag zurück.",
            state=state_label(found.case),
        )
    )


def _render_review(found: ProofOfUse, form=None):
    """Render the review page (the form only while the proof may be reviewed)."""
    reviewable = found.can_review(current_user)
    if reviewable and form is None:
        form = ReviewForm.for_proof(found)
    return render_template(
        "funding/proof_review.html",
        proof=found,
        form=form if reviewable else None,
        gaps=review_gaps(found),
        summary=summary(found),
        state_label=state_label,
    )
