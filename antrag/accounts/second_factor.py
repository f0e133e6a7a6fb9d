"""The second factor: which accounts need one, the login's second step, and step-up.

Methods (TOTP, recovery codes, WebAuthn, …) register themselves in `METHODS`; this module
asks them whether an account has one and never knows their details. The login works in
two steps (BSI IT-Grundschutz ORP.4.A21 "Mehr-Faktor-Authentisierung"; OWASP ASVS 4.0.3
chapter V2, Level 2; see README, "Sign-in security"):

1. The password is right: if the account has a second factor, the session only notes a
   *pending* login (`session[PENDING_KEY]`: the user's id and when) and nobody is logged in;
   the second-step page asks for a method. Without one, the login completes at once.
2. A method checks its proof and calls `finish_login(user, method)`, the one code path of
   every login: a fresh server-side session, `last_login_at`, the security log, and
   `UserSession.second_factor_at` noted.

An account that must have a second factor (`required_for`) but has none is logged in and
led to the enrolment; `gate` lets it open nothing else until a method is confirmed.
Signing a notice, releasing a payment and deciding a reclaim need a second factor passed
within `SECOND_FACTOR_STEP_UP_MINUTES` (`recent_enough`; see step_up.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import login_user

from ..db_types import utcnow
from ..extensions import db
from ..security import security_event
from .models import User, UserSession
from .sessions import SESSION_KEY, find_session, start_session

PENDING_KEY = "second_factor_pending"  # {"user": id, "at": ISO time, "next": local path}
VIA_KEY = "login_via"  # "password" or "oidc": how this session was opened


@dataclass(frozen=True)
class Method:
    """A kind of second factor: its name, German label, and whether an account has one."""

    name: str
    label: str
    enrolled: object  # (User) -> bool
    # The endpoint of its form on the second-step page, or None if it brings its own
    # button through the page's include (templates/accounts/second_factor_methods/).
    endpoint: str | None = None
    # A fall-back (recovery codes): offered at the second step, but not a second factor of
    # its own for `has_second_factor`.
    backup: bool = False
    # Deletes the user's credentials of this method when an admin reset is confirmed;
    # returns how many it removed.
    remove: object = None  # (User) -> int


# name -> Method, in the order the second-step page offers them.
METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add a method of second factor (idempotent for the same name)."""
    METHODS[method.name] = method
    return method


def methods_of(user: User) -> list[Method]:
    """Return the methods `user` has enrolled."""
    return [m for m in METHODS.values() if m.enrolled(user)]


def has_second_factor(user: User) -> bool:
    """Return whether `user` has any confirmed second factor."""
    return any(m.enrolled(user) for m in METHODS.values() if not m.backup)


def required_for(user: User) -> bool:
    """Return whether `user`'s role must have a second factor (config SECOND_FACTOR_ROLES)."""
    return user.role in current_app.config["SECOND_FACTOR_ROLES"]


# --- the pending login between the two steps -------------------------------------------


def begin_pending(user: User, next_url: str | None, via: str = "password") -> None:
    """Note in the session that `user` passed the first step (`via`: the password or single
    sign-on without an asserted second factor); nobody is logged in yet."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[PENDING_KEY] = {
        "user": user.id,
        "at": utcnow().isoformat(),
        "next": next_url,
        "via": via,
    }
    security_event(f"login_{via}", user=user, outcome="second_factor_pending")


def pending_via() -> str:
    """Return how the pending login passed its first step ("password" or "oidc")."""
    pending = session.get(PENDING_KEY)
    return str(pending.get("via") or "password") if isinstance(pending, dict) else "password"


def pending_user() -> User | None:
    """Return the user of a pending login that has not expired, or None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        at = datetime.fromisoformat(pending["at"])
        user_id = int(pending["user"])
    except (KeyError, TypeError, ValueError):
        return None
    minutes = current_app.config["SECOND_FACTOR_PENDING_MINUTES"]
    if not timedelta(0) <= utcnow() - at <= timedelta(minutes=minutes):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def pending_next() -> str | None:
    """Return where the pending login wanted to go (a local path checked at login)."""
    pending = session.get(PENDING_KEY)
    return pending.get("next") if isinstance(pending, dict) else None


def clear_pending() -> None:
    """Forget a pending login (cancelled or expired)."""
    session.pop(PENDING_KEY, None)


# --- completing the login ---------------------------------------------------------------


def finish_login(user: User, method: str | None, via: str = "password") -> UserSession:
    """Log `user` in; `method` names the second factor passed (None: there was none).

    The same code path for the password-only login and every second factor: a fresh
    session (only the language and the messages for the next page are kept, such as how
    many recovery codes are left), a new server-side session row, Flask-Login's cookie,
    `last_login_at`, the security log. The request commits.
    """
    kept = {key: session[key] for key in ("lang", "_flashes") if session.get(key)}
    session.clear()
    session.update(kept)
    session[SESSION_KEY] = start_session(user, request.remote_addr)
    session[VIA_KEY] = via  # how this session was opened: "password" or "oidc"
    row = find_session(session[SESSION_KEY])
    if method is not None:
        note_passed(row, method)
    login_user(user)
    g.auth_session_row = row
    user.last_login_at = utcnow()
    db.session.flush()
    security_event("login", user=user, via=via, second_factor=method or "-")
    return row


def current_session_row() -> UserSession | None:
    """Return the open server-side session row of this request, or None."""
    row = g.get("auth_session_row")
    if row is None:
        row = find_session(session.get(SESSION_KEY))
    return row if row is not None and row.ended_at is None else None


def note_passed(row: UserSession, method: str) -> None:
    """Record on the session row that it passed `method` now."""
    row.second_factor_at = utcnow()
    row.second_factor_method = method[:20]
    db.session.flush()


def mark_passed(method: str) -> None:
    """Note that the logged-in session has just passed a second factor (login or step-up)."""
    row = current_session_row()
    if row is None:
        raise RuntimeError("mark_passed needs a logged-in session")
    note_passed(row, method)
    security_event("second_factor", user=_user(row), outcome="success", method=method)


def passed(row: UserSession | None = None) -> bool:
    """Return whether the session has passed a second factor at all."""
    row = row or current_session_row()
    return row is not None and row.second_factor_at is not None


def recent_enough(row: UserSession | None = None) -> bool:
    """Return whether the session passed a second factor within the step-up window."""
    row = row or current_session_row()
    if row is None or row.second_factor_at is None:
        return False
    window = timedelta(minutes=current_app.config["SECOND_FACTOR_STEP_UP_MINUTES"])
    return utcnow() - row.second_factor_at <= window


def _user(row: UserSession) -> User | None:
    return db.session.get(User, row.user_id)
