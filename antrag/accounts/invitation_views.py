"""The invitation page: an invited person sets their first password with the mailed link."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..extensions import db
from ..fields import AppForm
from .access_requests import request_of
from .invitations import accept, find_invitation
from .models import PASSWORD_MIN_LENGTH
from .operations import AccountError

bp = Blueprint("invitations", __name__)


class SetPasswordForm(AppForm):
    """The first password, typed twice."""

    password = PasswordField(
        _l("Neues Passwort"),
        validators=[
            DataRequired(_l("Bitte geben Sie ein Passwort an.")),
            Length(max=200, message=_l("Höchstens 200 Zeichen.")),
        ],
    )
    confirm = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            DataRequired(_l("Bitte wiederholen Sie das Passwort.")),
            EqualTo("password", _l("Die beiden Passwörter stimmen nicht überein.")),
        ],
    )


def _page(invitation, form) -> str:
    """Render the invitation page (for a pending account: the municipality it waits for)."""
    access_request = request_of(invitation.user) if invitation is not None else None
    municipality = invitation.user.municipality if invitation is not None else None
    return render_template(
        "accounts/invitation.html",
        invitation=invitation,
        access_request=access_request,
        municipality=access_request.municipality if access_request else municipality,
        form=form,
        min_length=PASSWORD_MIN_LENGTH,
    )


@bp.route("/konto/einladung/<token>", methods=["GET", "POST"], endpoint="accept")
def accept_invitation(token: str):
    """Show the set-password form of a valid invitation; a wrong or used link gets a clear 404."""
    invitation = find_invitation(token)
    if invitation is None or not invitation.is_usable():
        return _page(None, None), 404
    form = SetPasswordForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return _page(invitation, form), status
    try:
        user = accept(invitation, form.password.data)
    except AccountError as exc:
        db.session.rollback()
        form.password.errors.append(str(exc))
        return _page(invitation, form), 422
    db.session.commit()
    flash(
        _("Ihr Passwort ist gesetzt. Bitte melden Sie sich mit %(email)s an.", email=user.email),
        "success",
    )
    return redirect(url_for("accounts.login"))
