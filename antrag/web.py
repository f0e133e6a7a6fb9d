"""Wiring of the web layer: blueprints, template helpers, the user loader, response headers."""

from flask import Blueprint, Flask, redirect, url_for
from flask_login import current_user, login_required

from .extensions import db, login_manager
from .formats import format_amount, format_date, format_datetime, format_money

bp = Blueprint("main", __name__)

HOME_BY_ROLE = {
    "applicant": "applications.index",
    "reviewer": "review.queue",
    "mentor": "mentoring.dashboard",
    "admin": "admin.index",
}


@bp.route("/")
@login_required
def index():
    """Send each role to its own start page."""
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@login_manager.user_loader
def _load_user(user_id: str):
    from .accounts.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


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
    from .review.views import bp as review_bp

    for blueprint in (bp, accounts_bp, applications_bp, review_bp, mentoring_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(budget_bp)
    app.register_blueprint(funding_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_amount, "amount")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
