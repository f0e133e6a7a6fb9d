"""Login and logout."""

import logging
import secrets
from functools import cache
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import utcnow
from ..extensions import db
from .forms import LoginForm
from .models import User

bp = Blueprint("accounts", __name__)
logger = logging.getLogger(__name__)


@cache
def _dummy_hash() -> str:
    """Return a hash to check against when the e-mail is unknown, so both paths cost the same."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _safe_next(target: str | None) -> str | None:
    """Accept only local paths as redirect targets (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    """Show the login form; log the person in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        valid = check_password_hash(
            user.password_hash if user else _dummy_hash(), form.password.data
        )
        if user is not None and valid and user.active:
            session.clear()  # a fresh session at login, nothing carried over
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            logger.info("Login of user %s", user.id)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
        logger.info("Failed login")
        form.password.errors.append("E-Mail-Adresse oder Passwort sind nicht richtig.")
        return render_template("accounts/login.html", form=form), 200
    return render_template("accounts/login.html", form=form)


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout():
    """Log out and forget the session."""
    logout_user()
    session.clear()
    flash("Sie wurden abgemeldet.", "info")
    return redirect(url_for("accounts.login"))
