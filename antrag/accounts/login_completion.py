"""The one way a person becomes logged in, whichever door they came through.

Password login and single sign-on both end here: a fresh session (nothing carried over but
the language), a server-side session row, Flask-Login, the last login time and one line in
the security log. The second-factor framework (antrag/accounts/second_factor.py,
`finish_login(user, method)`) is wired in here at merge: `second_factor` names a factor the
provider asserted (`oidc:amr`, `oidc:acr`) or is None.
"""

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from ..db_types import utcnow
from ..extensions import db
from ..security import security_event
from .sessions import SESSION_KEY, start_session

VIA_KEY = "login_via"  # "password" or "oidc": how this session was opened
SECOND_FACTOR_KEY = "second_factor"  # the factor the provider asserted, if any
PASSWORD_LOGIN_OFF = _l(
    "Für Ihr Konto ist die Anmeldung mit Passwort abgeschaltet. Bitte melden Sie sich über "
    "„Mit Dienstkonto anmelden“ an (Single Sign-on Ihrer Behörde)."
)


def password_login_allowed(user) -> bool:
    """Return whether `user`'s role may still log in with a password (PASSWORD_LOGIN_ROLES)."""
    roles = current_app.config.get("PASSWORD_LOGIN_ROLES")
    return roles is None or user.role in roles


def complete_login(user, via: str, *, second_factor: str | None = None) -> None:
    """Log `user` in through `via` and commit; this is the lead's `_complete_login` seam."""
    language = session.get("lang")
    session.clear()  # a fresh session at login, nothing carried over but the language
    if language:
        session["lang"] = language
    session[SESSION_KEY] = start_session(user, request.remote_addr)
    session[VIA_KEY] = via
    if second_factor:
        session[SECOND_FACTOR_KEY] = second_factor
    login_user(user)
    user.last_login_at = utcnow()
    db.session.commit()
    security_event("login", user=user, via=via, second_factor=second_factor or "-")
