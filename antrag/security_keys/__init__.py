"""Security keys and passkeys (WebAuthn) as a second factor: enrolment, login, step-up."""


def init_app(app) -> None:
    """Register the key page, the key's second-step endpoints and the settings' count."""
    from ..accounts.factor_views import OPEN_BLUEPRINTS
    from .integration import key_count
    from .login_views import bp as login_bp
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(login_bp)
    app.add_template_global(key_count, "security_key_count")
    # An account held at the enrolment may enrol a key and use it (factor_views.gate).
    OPEN_BLUEPRINTS.update({bp.name, login_bp.name})
