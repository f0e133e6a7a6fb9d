"""A security key as second factor: at the login's second step and for step-up.

Both JSON endpoints serve the page /anmelden/zweiter-faktor (accounts/factor_views.py):
without a login they complete the pending login (`finish_login`), with one they note the
step-up (`mark_passed`); a form kept for after the step-up is then sent again by the
page's script (the fields are on the page, as for the code form's 307).
"""

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import step_up
from ..accounts.second_factor import finish_login, mark_passed, pending_next, pending_user
from ..extensions import db
from ..redirects import safe_next
from .ceremonies import KeyRefused, authenticate, authentication_options
from .integration import METHOD
from .views import json_body, refusal, without_script

bp = Blueprint("security_key_login", __name__, url_prefix="/anmelden/zweiter-faktor")


def _who():
    """Return (user, mode): the logged-in user stepping up, or the pending login's user."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), "step_up"
    return pending_user(), "login"


def _expired():
    message = _("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.")
    return refusal(message, 401, redirect=url_for("accounts.login"))


@bp.route("/sicherheitsschluessel/optionen", methods=["POST"])
def options():
    """Start the sign-in ceremony with one of the user's keys."""
    user, _mode = _who()
    if user is None:
        return _expired()
    try:
        result = authentication_options(user)
    except KeyRefused as exc:
        return refusal(str(exc))
    db.session.commit()
    return jsonify(result)


@bp.route("/sicherheitsschluessel", methods=["POST"])
def verify():
    """Check the key's answer; complete the login or the step-up."""
    # The page itself sends an expired login on to the login form.
    plain = without_script(
        url_for("second_factor.login_totp", next=safe_next(request.args.get("next")))
    )
    if plain is not None:
        return plain
    user, mode = _who()
    if user is None:
        return _expired()
    body = json_body()
    try:
        authenticate(user, body.get("credential"))
    except KeyRefused as exc:
        return refusal(str(exc))
    if mode == "login":
        target = pending_next()
        finish_login(user, METHOD)
        db.session.commit()
        return jsonify(redirect=safe_next(target) or url_for("main.index"))
    mark_passed(METHOD)
    db.session.commit()
    kept = step_up.kept_form()
    if kept is not None:
        step_up.forget_form()
        return jsonify(resubmit=kept["url"])
    return jsonify(redirect=safe_next(body.get("next")) or url_for("main.index"))
