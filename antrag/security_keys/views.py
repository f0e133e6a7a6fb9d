"""The page "Sicherheitsschlüssel": enrol (JSON ceremony), list and remove one's own keys."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_LABELS
from ..accounts.second_factor import has_second_factor, mark_passed, recent_enough
from ..accounts.step_up import SecondFactorNeeded
from ..auth import role_required
from ..extensions import db
from .ceremonies import KeyRefused, keys_of, register_key, registration_options
from .integration import METHOD
from .removal import remove_key

bp = Blueprint("security_keys", __name__, url_prefix="/konto/sicherheitsschluessel")
KEY_ROLES = tuple(ROLE_LABELS)  # every role; an account waiting for confirmation has none


# A browser without JavaScript sends the ceremony's form as a plain form.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def without_script(page: str):
    """Answer a plain form post (the ceremony's script did not run) with `page` and a flash.

    The pages hide the button without JavaScript; this serves a browser that sends the
    form anyway (the script failed to load, or an old page), instead of a JSON 400."""
    if request.mimetype not in FORM_TYPES:
        return None
    flash(
        _(
            "Ein Sicherheitsschlüssel funktioniert nur mit JavaScript: Ihr Browser spricht über "
            "ein Skript der Seite mit dem Schlüssel. Bitte schalten Sie JavaScript ein und "
            "versuchen Sie es noch einmal."
        ),
        "error",
    )
    return redirect(page, 303)


def json_body() -> dict:
    """Return the request's JSON object, or answer 400 in German."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(refusal(_("Die Anfrage ist unvollständig."), 400))
    return body


def refusal(message: str, status: int = 422, **extra):
    """Return a JSON refusal; what the ceremony already used up (its challenge) is kept."""
    db.session.commit()
    response = jsonify(error=message, **extra)
    response.status_code = status
    return response


@bp.route("", methods=["GET"])
@role_required(*KEY_ROLES)
def index():
    """List the user's keys and offer to enrol one."""
    return render_template("security_keys/index.html", keys=keys_of(current_user))


@bp.route("/optionen", methods=["POST"])
@role_required(*KEY_ROLES)
def options():
    """Start enrolling: the options for `navigator.credentials.create()`.

    Adding a factor to an account that has one needs a recent step-up (OWASP ASVS 4.0.3
    V2.5.x: changing authenticators re-authenticates), so that an unattended session
    cannot plant a key of its own.
    """
    if has_second_factor(current_user) and not recent_enough():
        return refusal(
            _("Bitte bestätigen Sie das zuerst mit Ihrem zweiten Faktor."),
            401,
            redirect=url_for("second_factor.login_totp", next=url_for("security_keys.index")),
        )
    result = registration_options(current_user)
    db.session.commit()
    return jsonify(result)


@bp.route("", methods=["POST"])
@role_required(*KEY_ROLES)
def register():
    """Finish enrolling: verify the authenticator's answer and store the key."""
    plain = without_script(url_for("security_keys.index"))
    if plain is not None:
        return plain
    body = json_body()
    try:
        key = register_key(current_user, body.get("name"), body.get("credential"))
    except KeyRefused as exc:
        return refusal(str(exc))
    mark_passed(METHOD)  # enrolling proved the key in hand, as a login with it would
    db.session.commit()
    flash(_("Der Sicherheitsschlüssel „%(name)s“ wurde eingerichtet.", name=key.name), "success")
    return jsonify(redirect=url_for("security_keys.index"))


@bp.route("/<int:key_id>/entfernen", methods=["POST"])
@role_required(*KEY_ROLES)
def remove(key_id: int):
    """Remove one of the user's own keys (after a recent step-up); someone else's is 404."""
    if not recent_enough():
        raise SecondFactorNeeded(_("Bitte bestätigen Sie das mit Ihrem zweiten Faktor."))
    try:
        key = remove_key(current_user, key_id) or abort(404)
    except KeyRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("security_keys.index")), 303
    db.session.commit()
    flash(_("Der Sicherheitsschlüssel „%(name)s“ wurde entfernt.", name=key.name), "success")
    return redirect(url_for("security_keys.index"))
