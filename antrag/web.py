"""Wiring of the web layer: blueprints, template helpers, the user loader, response headers."""

import logging
from datetime import timedelta

from flask import Blueprint, Flask, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url
from sqlalchemy.exc import OperationalError

from .db_types import utcnow
from .extensions import db, login_manager
from .formats import (
    format_amount,
    format_date,
    format_datetime,
    format_kilobytes,
    format_money,
    format_number,
    format_period,
    format_time_span,
    typeset_house_numbers,
)
from .security import security_event

bp = Blueprint("main", __name__)
# What Flask-Login and we keep in the cookie about a login (the rest, e.g. the language, stays).
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "auth_session")
HSTS_VALUE = "max-age=31536000; includeSubDomains"

HOME_BY_ROLE = {
    "applicant": "inbox.index",
    "reviewer": "inbox.index",
    "mentor": "mentoring.dashboard",
    "admin": "admin.index",
    "pending": "access.waiting",
}


@bp.route("/")
def index():
    """Show visitors the public landing page; send each role to its own start page."""
    if not current_user.is_authenticated:
        from .network.landing import landing_page

        return landing_page()
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@login_manager.user_loader
def _load_user(user_id: str):
    """Accept the cookie's user only while its session row is open and within the time-outs."""
    from .accounts import sessions
    from .accounts.models import User

    row = sessions.find_session(session.get(sessions.SESSION_KEY))
    if row is None or row.ended_at is not None or str(row.user_id) != str(user_id):
        _refuse_session(row, "session_invalid")
        return None
    now = utcnow()
    reason = sessions.expiry_reason(row, now)
    if reason is not None:
        sessions.end_session(row, reason)
        _commit_quietly()
        g.session_expired = True
        _refuse_session(row, "session_expired", reason=reason)
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        _refuse_session(row, "session_invalid")
        return None
    sessions.touch(row, now)
    g.auth_session_row = row  # the second factor's checks read it (accounts/second_factor.py)
    return user


def _refuse_session(row, action: str, **details) -> None:
    """Forget the login part of the cookie and log the refusal."""
    for key in LOGIN_KEYS:
        session.pop(key, None)
    security_event(action, user=_user_of(row), obj=row, outcome="refused", **details)


def _user_of(row):
    from .accounts.models import User

    return db.session.get(User, row.user_id) if row is not None else None


def _logged_in() -> bool:
    """Return whether the request has a logged-in user, without reloading its row.

    `current_user.is_authenticated` reads the user's `active` column, which the request's
    commit has expired: asking it after the view would cost another transaction.
    """
    user = g.get("_login_user")
    return user is not None and not user.is_anonymous


def _commit_quietly() -> None:
    try:
        db.session.commit()
    except OperationalError:
        db.session.rollback()


@login_manager.unauthorized_handler
def _unauthorized():
    """Send the person to the login page, saying why if their session has run out."""
    if g.get("session_expired"):
        flash(_("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
    else:
        flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def init_app(app: Flask) -> None:
    """Register blueprints, filters and per-response headers on `app`."""
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api.token_views import bp as tokens_bp
    from .api.views import bp as api_bp
    from .applications.views import bp as applications_bp
    from .funding.budget_views import bp as budget_bp
    from .funding.views import bp as funding_bp
    from .mentoring.views import bp as mentoring_bp
    from .network.views import bp as network_bp
    from .reporting.views import bp as reporting_bp
    from .review.views import bp as review_bp

    for blueprint in (bp, accounts_bp, applications_bp, review_bp, mentoring_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(budget_bp)
    app.register_blueprint(funding_bp)
    from .amendments.views import bp as amendments_bp
    from .notices.views import bp as notices_bp

    app.register_blueprint(notices_bp)
    app.register_blueprint(amendments_bp)
    from .reclaim.views import bp as reclaim_bp
    from .security_keys import init_app as init_security_keys

    init_security_keys(app)

    app.register_blueprint(reclaim_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)
    from .accounts import step_up
    from .accounts.access_views import bp as access_bp
    from .accounts.factor_settings_views import bp as factor_settings_bp
    from .accounts.factor_views import bp as factor_bp
    from .accounts.factor_views import gate as second_factor_gate
    from .accounts.invitation_views import bp as invitations_bp
    from .accounts.oidc_views import bp as oidc_bp
    from .meetings.staff_views import bp as meeting_admin_bp
    from .meetings.views import bp as meetings_bp

    app.register_blueprint(factor_bp)
    app.register_blueprint(factor_settings_bp)
    step_up.init_app(app)
    for blueprint in (meetings_bp, meeting_admin_bp, invitations_bp, access_bp, oidc_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(network_bp)
    app.register_blueprint(reporting_bp)
    from .messages.views import bp as messages_bp
    from .messages.views import conversation_link

    app.register_blueprint(messages_bp)
    app.add_template_global(conversation_link, "conversation_link")
    from .payments.views import bp as payments_bp

    app.register_blueprint(payments_bp)
    from .search import indexing  # noqa: F401  (its session events keep the index current)
    from .search.views import bp as search_bp

    app.register_blueprint(search_bp)
    from .inbox.views import bp as inbox_bp

    app.register_blueprint(inbox_bp)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # The signed cookie itself stops being accepted after the absolute time-out.
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    logging.getLogger("antrag.security").setLevel(logging.INFO)

    @app.before_request
    def _load_login_first():
        # Load (and check) the session's user before the view touches the database, so
        # that noting its use or its expiry commits nothing of the view's. The API ignores
        # cookies and authenticates in its own blueprint.
        if request.blueprint != "api" and request.endpoint != "static":
            current_user._get_current_object()
            return second_factor_gate()
        return None

    from .idempotency.forms import issue as issue_form_token

    app.add_template_global(issue_form_token, "form_token")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_kilobytes, "kilobytes")
    app.add_template_filter(format_amount, "amount")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(format_time_span, "time_span")
    app.add_template_global(format_period, "period")
    app.add_template_filter(typeset_house_numbers, "house_numbers")
    from .payments.bank import formatted_iban

    app.add_template_filter(formatted_iban, "iban")

    from . import i18n

    i18n.init_app(app)

    from .accounts.oidc_client import provider_origin

    @app.after_request
    def _headers(response):
        # Forms may lead on to the identity provider: the single sign-on button and the
        # logout of a session opened there redirect to it, which form-action governs.
        form_action = " ".join(filter(None, ("'self'", provider_origin(app.config))))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"frame-ancestors 'none'; form-action {form_action}; base-uri 'self'",
        )
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", HSTS_VALUE)
        if _logged_in():
            response.headers["Cache-Control"] = "no-store"
        if response.status_code == 403 and not g.get("security_logged"):
            security_event("access_refused", outcome="refused", status=403)
        return response
