"""Server-side sessions: a row per login, checked on every request, ended at logout.

The signed Flask session cookie carries only a random secret (and Flask-Login's user id);
the row decides whether that cookie still counts. So a cookie copied before logout, after
a password change or after the time-outs is refused, although its signature is valid.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from ..db_types import utcnow
from ..extensions import db
from .models import UserSession

logger = logging.getLogger(__name__)
SESSION_KEY = "auth_session"  # the key of the secret in the Flask session
# last_seen_at is written at most this often per session, so that reads stay cheap.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(user, ip: str | None) -> str:
    """Open a session row for `user`; return the secret to put into the cookie."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id, secret_hash=_hash(secret), created_at=now, last_seen_at=now, ip=ip
        )
    )
    db.session.flush()
    return secret


def find_session(secret: str | None) -> UserSession | None:
    """Return the row belonging to a cookie's secret, ended or not, or None."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.secret_hash == _hash(secret)))


def expiry_reason(row: UserSession, now: datetime) -> str | None:
    """Return "idle" or "expired" if the session has timed out at `now`, else None."""
    config = current_app.config
    if now - row.created_at > timedelta(hours=config["SESSION_MAX_HOURS"]):
        return "expired"
    if now - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def end_session(row: UserSession, reason: str) -> None:
    """End one session (idempotent)."""
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason
        db.session.flush()


def end_sessions_of(user, reason: str) -> int:
    """End every open session of `user`; return how many were open."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount:
        logger.info("%s session(s) of user %s ended (%s)", result.rowcount, user.id, reason)
    return result.rowcount


def touch(row: UserSession, now: datetime) -> None:
    """Note that the session was used; at most once a minute, committed on its own.

    Best effort like the API tokens' last use: on a busy SQLite the request goes on
    without the note (the idle time-out is then measured from the previous note).
    """
    if now - row.last_seen_at < LAST_SEEN_RESOLUTION:
        return
    try:
        row.last_seen_at = now
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        logger.info("Last use of session %s not recorded (database busy)", row.id)
