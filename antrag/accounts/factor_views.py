"""The second step of the login and the step-up page: /anmelden/zweiter-faktor.

One page serves both: without a login it completes a pending login (password given,
`second_factor.pending_user`); with one it is the step-up before signing, releasing or
deciding (`step_up.py`), and afterwards repeats the kept form's POST with a 307 redirect.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..i18n import N_
from ..redirects import safe_next
from . import recovery, step_up, totp
from .forms import RecoveryCodeForm, TotpCodeForm
from .models import PENDING
from .second_factor import (
    PENDING_KEY,
    clear_pending,
    finish_login,
    has_second_factor,
    mark_passed,
    methods_of,
    passed,
    pending_next,
    pending_user,
    pending_via,
    required_for,
)

bp = Blueprint("second_factor", __name__)
REFUSALS = {
    "wrong": N_("Der Code ist nicht richtig oder abgelaufen."),
    "replayed": N_("Dieser Code wurde schon verwendet. Bitte warten Sie auf den nächsten."),
    "throttled": N_("Zu viele Fehlversuche. Bitte versuchen Sie es in einigen Minuten erneut."),
    "not_enrolled": N_("Für dieses Konto ist keine Authenticator-App eingerichtet."),
}
# What an account that must still enrol (or confirm) a second factor may open meanwhile:
# these blueprints, every blueprint whose name starts with "second_factor" (a method's own,
# e.g. "second_factor_webauthn"), and the endpoints below. Methods may add their blueprint.
OPEN_BLUEPRINTS = {"second_factor", "second_factor_settings", "api", "i18n"}
OPEN_PREFIX = "second_factor"
OPEN_ENDPOINTS = frozenset(
    {
        "static",
        "accounts.logout",
        "accounts.login",
        "network.imprint",
        "network.privacy",
        "network.accessibility",
    }
)


def _refusal(reason: str) -> str:
    return _(REFUSALS[reason]) if reason in REFUSALS else _(REFUSALS["wrong"])


def _who():
    """Return (user, mode): the logged-in user stepping up, or the pending login's user."""
    if current_user.is_authenticated:
        if current_user.role == PENDING:  # may do nothing before its confirmation
            abort(403)
        return current_user._get_current_object(), "step_up"
    user = pending_user()
    return user, "login"


def _page(template: str, form, user, mode: str, status: int = 200):
    kept = step_up.kept_form() if mode == "step_up" else None
    methods = methods_of(user)
    return render_template(
        template,
        form=form,
        user=user,
        mode=mode,
        methods=methods,
        names={m.name for m in methods},
        kept=kept,
        next=safe_next(request.args.get("next")),
    ), status


def _expired():
    clear_pending()
    flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
    return redirect(url_for("accounts.login"))


def _passed(user, mode: str, method: str):
    """Complete the login or the step-up with `method` and go on."""
    if mode == "login":
        target, via = pending_next(), pending_via()
        finish_login(user, method, via)
        db.session.commit()
        return redirect(safe_next(target) or url_for("main.index"))
    mark_passed(method)
    db.session.commit()
    kept = step_up.kept_form()
    if kept is not None:
        step_up.forget_form()
        # 307 repeats the POST with this page's body: the kept fields travel in it.
        return redirect(kept["url"], code=307)
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/anmelden/zweiter-faktor", methods=["GET", "POST"])
def login_totp():
    """Ask for the second factor; check a code of the authenticator app."""
    user, mode = _who()
    if user is None:
        return _expired()
    form = TotpCodeForm()
    if form.validate_on_submit():
        reason = totp.check_code(user, form.code.data)
        if reason is None:
            return _passed(user, mode, "totp")
        db.session.commit()  # the failed attempt counts for every worker
        form.code.errors.append(_refusal(reason))
        return _page("accounts/second_factor.html", form, user, mode, 422)
    status = 422 if form.errors else 200
    return _page("accounts/second_factor.html", form, user, mode, status)


@bp.route("/anmelden/zweiter-faktor/wiederherstellungscode", methods=["GET", "POST"])
def login_recovery():
    """Pass the second factor with one of the recovery codes (each works once)."""
    user, mode = _who()
    if user is None:
        return _expired()
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        reason = recovery.use(user, form.code.data)
        if reason is None:
            left = recovery.remaining(user)
            flash(
                ngettext(
                    "Wiederherstellungscode angenommen. Sie haben noch %(num)s Code; "
                    "erzeugen Sie neue, bevor er ausgeht.",
                    "Wiederherstellungscode angenommen. Sie haben noch %(num)s Codes; "
                    "erzeugen Sie neue, bevor sie ausgehen.",
                    left,
                ),
                "warning" if left < 3 else "info",
            )
            return _passed(user, mode, "recovery")
        db.session.commit()
        form.code.errors.append(
            _(REFUSALS["throttled"])
            if reason == "throttled"
            else _("Der Wiederherstellungscode ist nicht richtig oder schon verwendet.")
        )
        return _page("accounts/second_factor_recovery.html", form, user, mode, 422)
    status = 422 if form.errors else 200
    return _page("accounts/second_factor_recovery.html", form, user, mode, status)


def gate():
    """Hold a logged-in account that must have a second factor until this session passed one.

    Accounts without one are sent to the enrolment, the others to the second-factor page
    (a session logged in before a reset or before the role was added to the list).
    """
    user = g.get("_login_user")
    if user is None or user.is_anonymous or request.endpoint is None:
        return None
    blueprint = request.blueprint or ""
    if blueprint in OPEN_BLUEPRINTS or blueprint.startswith(OPEN_PREFIX):
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not required_for(user) or passed():
        return None
    wanted = safe_next(request.full_path if request.method == "GET" else None)
    if has_second_factor(user):
        return redirect(url_for("second_factor.login_totp", next=wanted))
    return redirect(url_for("second_factor_settings.settings"))


__all__ = ["PENDING_KEY", "bp", "gate"]
