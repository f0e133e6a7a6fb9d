"""Login throttling kept in the database, so that it holds across workers and machines.

Per account (the e-mail as typed, normalised; unknown addresses alike) at most
LOGIN_MAX_ATTEMPTS failed guesses are evaluated within LOGIN_WINDOW_MINUTES; further
attempts are refused without checking the password, with the same answer as a wrong one.
Only failures count, and a success does not wipe earlier failures: an attacker's guesses
keep counting even if the owner logs in meanwhile. Refused attempts are not recorded, so
the lock lifts when the oldest failures leave the window.

Parallel guesses for one address are evaluated one after the other: `may_evaluate` takes a
lock named after the address (see `antrag.locks`) before it counts, and the request keeps it
until it has recorded its attempt and committed. Otherwise parallel requests would all
count the same nine failures, all be evaluated, and each log the lockout.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..db_types import utcnow
from ..extensions import db
from ..locks import lock_name
from .models import LoginAttempt

EMAIL_MAX = 254


def normalise_login(email: str | None) -> str:
    """Return the key attempts are counted under: trimmed, lower-cased, bounded."""
    return (email or "").strip().lower()[:EMAIL_MAX]


def may_evaluate(email: str) -> bool:
    """Return whether a guess for `email` may be checked now, holding the address's turn if so.

    A throttled address is answered at once. Otherwise the request waits for its turn (held
    until commit) and counts again: the guesses it waited for may have used up the rest.
    """
    if is_locked(email):
        return False
    lock_name("login", email)
    return not is_locked(email)


def recent_failures(email: str) -> int:
    """Return the failed attempts for `email` within the window."""
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email_normalised == email,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > utcnow() - window,
        )
    )


def is_locked(email: str) -> bool:
    """Return whether no further guess may be evaluated for `email` now."""
    return recent_failures(email) >= current_app.config["LOGIN_MAX_ATTEMPTS"]


def record_attempt(email: str, success: bool, ip: str | None) -> bool:
    """Store an evaluated attempt; return True if this failure has just locked the account."""
    db.session.add(LoginAttempt(email_normalised=email, at=utcnow(), success=success, ip=ip))
    db.session.flush()
    if success:
        return False
    return recent_failures(email) == current_app.config["LOGIN_MAX_ATTEMPTS"]
