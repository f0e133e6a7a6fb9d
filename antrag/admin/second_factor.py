"""Admin pages to reset a lost second factor with four eyes (see accounts/factor_reset.py)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..accounts.factor_reset import (
    REASON_MAX,
    ResetRefused,
    cancel_reset,
    confirm_reset,
    open_reset,
    request_reset,
)
from ..accounts.models import User
from ..accounts.second_factor import methods_of, recent_enough
from ..accounts.step_up import SecondFactorNeeded
from ..auth import role_required
from ..extensions import db
from ..fields import AppForm
from ..idempotency import forms as once
from .blueprint import bp

PAGE = "admin/second_factor.html"


class ResetRequestForm(AppForm):
    """Why the factor may be reset: how the person was identified."""

    reason = TextAreaField(
        _l("Wie wurde die Person erkannt? (z. B. persönlich mit Dienstausweis, Rückruf)"),
        validators=[
            DataRequired(_l("Bitte geben Sie an, wie Sie die Person erkannt haben.")),
            Length(max=REASON_MAX),
        ],
    )


def _load(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _require_step_up() -> None:
    """Resets change who can sign in: the admin confirms with a recent second factor too."""
    if not recent_enough():
        raise SecondFactorNeeded(_("Bitte bestätigen Sie das mit Ihrem zweiten Faktor."))


def _page(user: User, form, status: int = 200):
    html = render_template(
        PAGE, user=user, form=form, methods=methods_of(user), reset=open_reset(user)
    )
    return html, status


@bp.route("/konten/<int:user_id>/zweiter-faktor", methods=["GET", "POST"])
@role_required("admin")
def second_factor(user_id: int):
    """Show an account's second factors; request their reset (the first pair of eyes)."""
    user = _load(user_id)
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return _page(user, form, 422 if form.errors else 200)
    _require_step_up()
    submission = once.claim()
    try:
        request_reset(current_user, user, form.reason.data)
    except ResetRefused as exc:
        db.session.rollback()
        form.reason.errors.append(str(exc))
        return _page(user, form, 422)
    target = submission.leads_to(url_for("admin.second_factor", user_id=user.id))
    db.session.commit()
    flash(_("Das Zurücksetzen ist beantragt. Eine zweite Person muss es bestätigen."), "info")
    return redirect(target)


@bp.route("/konten/<int:user_id>/zweiter-faktor/bestaetigen", methods=["POST"])
@role_required("admin")
def second_factor_confirm(user_id: int):
    """Confirm the open request (the second pair of eyes): the factors are removed."""
    user = _load(user_id)
    reset = open_reset(user, lock=True) or abort(404)
    _require_step_up()
    try:
        confirm_reset(current_user, reset)
    except ResetRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.second_factor", user_id=user.id))
    db.session.commit()
    flash(
        _(
            "Der zweite Faktor von %(email)s ist zurückgesetzt; alle Sitzungen sind beendet.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.second_factor", user_id=user.id))


@bp.route("/konten/<int:user_id>/zweiter-faktor/abbrechen", methods=["POST"])
@role_required("admin")
def second_factor_cancel(user_id: int):
    """Withdraw the open request."""
    user = _load(user_id)
    reset = open_reset(user, lock=True) or abort(404)
    try:
        cancel_reset(current_user, reset)
    except ResetRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.second_factor", user_id=user.id))
    db.session.commit()
    flash(_("Der Antrag auf Zurücksetzen ist zurückgenommen."), "info")
    return redirect(url_for("admin.second_factor", user_id=user.id))
