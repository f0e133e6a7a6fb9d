"""Login and logout."""

import secrets
from functools import cache

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..i18n import N_
from ..redirects import safe_next
from ..security import security_event
from .forms import LoginForm
from .login_completion import PASSWORD_LOGIN_OFF, complete_login, password_login_allowed
from .models import User
from .oidc_client import enabled as oidc_enabled
from .oidc_client import logout_url as oidc_logout_url
from .second_factor import VIA_KEY, begin_pending, has_second_factor
from .sessions import SESSION_KEY, end_session, find_session
from .throttling import may_evaluate, normalise_login, record_attempt

bp = Blueprint("accounts", __name__)
LOGIN_REFUSED = N_("E-Mail-Adresse oder Passwort sind nicht richtig.")


@cache
def _dummy_hash() -> str:
    """Return a hash to check against when the e-mail is unknown, so both paths cost the same."""
    return generate_password_hash(secrets.token_urlsafe(16))


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    """Show the login form; log the person in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticate(form.email.data, form.password.data)
        if user is not None and not password_login_allowed(user):
            # Said only after the right password, so it tells a guesser nothing.
            db.session.commit()
            security_event("login", user=user, outcome="refused", reason="password_login_off")
            form.password.errors.append(str(PASSWORD_LOGIN_OFF))
            return _login_page(form), 200
        if user is not None:
            target = safe_next(request.args.get("next"))
            if has_second_factor(user):  # the second step logs in (factor_views.py)
                begin_pending(user, target, via="password")
                db.session.commit()
                return redirect(url_for("second_factor.login_totp"))
            # An account that must have a second factor is then held at the enrolment
            # (factor_views.gate).
            complete_login(user, "password")
            return redirect(target or url_for("main.index"))
        db.session.commit()  # the failed attempt counts for every worker
        form.password.errors.append(_(LOGIN_REFUSED))
        return _login_page(form), 200
    return _login_page(form)


def _login_page(form):
    """Render the login page, with the single sign-on button when a provider is set up."""
    sso = oidc_enabled(current_app.config)
    return render_template("accounts/login.html", form=form, sso=sso)


def _authenticate(email: str, password: str) -> User | None:
    """Return the user if the guess may be evaluated and is right; record the attempt.

    Unknown e-mails, wrong passwords, inactive and throttled accounts all cost one password
    hash and get the same answer, so that the answer tells nothing about the account.
    """
    email = normalise_login(email)
    shown = email if "@" in email else "-"  # never log what may be a mistyped password
    if not may_evaluate(email):
        check_password_hash(_dummy_hash(), password)
        security_event("login", outcome="throttled", email=shown)
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    success = user is not None and valid and user.active
    just_locked = record_attempt(email, success, request.remote_addr)
    if success:
        return user
    reason = "unknown_user" if user is None else "wrong_password" if not valid else "inactive"
    security_event("login", user=user, outcome="failure", email=shown, reason=reason)
    if just_locked:
        security_event("lockout", user=user, outcome="locked", email=shown)
    return None


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout():
    """Log out: end the session row, so that a copy of the cookie is worthless too.

    A session opened through the identity provider is ended there too (RP-initiated logout)
    if the provider offers an end_session_endpoint.
    """
    row = find_session(session.get(SESSION_KEY))
    if row is not None:
        end_session(row, "logout")
    via = session.get(VIA_KEY, "password")
    security_event("logout", user=current_user._get_current_object(), via=via)
    db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("Sie wurden abgemeldet."), "info")
    login_page = url_for("accounts.login", _external=True)
    if via == "oidc" and oidc_enabled(current_app.config):
        provider_logout = oidc_logout_url(login_page)
        if provider_logout:
            return redirect(provider_logout)
    return redirect(url_for("accounts.login"))
