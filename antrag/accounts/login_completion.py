"""The one way a person becomes logged in, whichever door they came through.

Password login and single sign-on both end here: a fresh session (nothing carried over but
the language), a server-side session row, Flask-Login, the last login time and one line in
the security log. The second-factor framework (antrag/accounts/second_factor.py,
`finish_login(user, method)`) is wired in here at merge: `second_factor` names a factor the
provider asserted (`oidc:amr`, `oidc:acr`) or is None.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .second_factor import finish_login

PASSWORD_LOGIN_OFF = _l(
    "Für Ihr Konto ist die Anmeldung mit Passwort abgeschaltet. Bitte melden Sie sich über "
    "„Mit Dienstkonto anmelden“ an (Single Sign-on Ihrer Behörde)."
)


def password_login_allowed(user) -> bool:
    """Return whether `user`'s role may still log in with a password (PASSWORD_LOGIN_ROLES)."""
    roles = current_app.config.get("PASSWORD_LOGIN_ROLES")
    return roles is None or user.role in roles


def complete_login(user, via: str, *, second_factor: str | None = None) -> None:
    """Log `user` in through `via` ("password" or "oidc") and commit.

    `second_factor` names a factor passed on the way (a provider's assertion, `oidc:amr`);
    the session is opened by the second-factor framework's one code path.
    """
    finish_login(user, second_factor, via)
    db.session.commit()
