"""One's own second factor: the overview, enrolling an authenticator app, recovery codes."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import role_required
from ..extensions import db
from . import recovery, step_up, totp
from .forms import TotpCodeForm
from .second_factor import mark_passed, methods_of, recent_enough, required_for
from .step_up import SecondFactorNeeded

bp = Blueprint("second_factor_settings", __name__)
# Every role with work to do; an account waiting for confirmation has nothing to protect yet.
ACCOUNT_ROLES = ("applicant", "reviewer", "mentor", "admin")


def _user():
    return current_user._get_current_object()


@bp.route("/konto/zweiter-faktor")
@role_required(*ACCOUNT_ROLES)
def settings():
    """Show the account's second factors and what it can do with them."""
    user = _user()
    return render_template(
        "accounts/second_factor_settings.html",
        methods=methods_of(user),
        totp_enrolled=totp.enrolled(user),
        codes_left=recovery.remaining(user),
        required=required_for(user),
    )


@bp.route("/konto/zweiter-faktor/app", methods=["GET", "POST"])
@role_required(*ACCOUNT_ROLES)
def enrol_totp():
    """Enrol an authenticator app: scan the QR code, confirm with a first code."""
    user = _user()
    if totp.enrolled(user):
        return render_template("accounts/totp_enrolled.html")
    credential = totp.begin_enrolment(user)
    form = TotpCodeForm()
    if form.validate_on_submit():
        reason = totp.check_code(user, form.code.data, confirming=True)
        if reason is None:
            codes = recovery.generate(user)
            mark_passed("totp")  # the code just typed is a second factor passed
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, first=True)
        db.session.commit()  # the failed attempt counts
        form.code.errors.append(
            _(
                "Der Code passt nicht. Bitte prüfen Sie die Uhrzeit des Geräts und versuchen Sie es erneut."
            )
            if reason != "throttled"
            else _("Zu viele Fehlversuche. Bitte versuchen Sie es in einigen Minuten erneut.")
        )
    db.session.commit()  # the unconfirmed secret stays the same until it is confirmed
    secret, qr = totp.provisioning(user, credential)
    status = 422 if form.errors else 200
    return render_template("accounts/totp_enrol.html", form=form, secret=secret, qr=qr), status


@bp.route("/konto/zweiter-faktor/wiederherstellungscodes", methods=["POST"])
@role_required(*ACCOUNT_ROLES)
def regenerate_codes():
    """Replace the recovery codes (the old ones stop working); needs a recent step-up."""
    user = _user()
    if not recent_enough():
        raise SecondFactorNeeded(_("Bitte bestätigen Sie das mit Ihrem zweiten Faktor."))
    if not totp.enrolled(user):
        raise SecondFactorNeeded(
            _(
                "Wiederherstellungscodes gibt es zu einer Authenticator-App. Bitte richten Sie "
                "zuerst eine ein."
            ),
            missing=True,
        )
    codes = recovery.generate(user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, first=False)


__all__ = ["bp", "step_up"]
