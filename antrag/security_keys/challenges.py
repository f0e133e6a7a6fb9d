"""Ceremony challenges: random, bound to the session and the user, expiring, used once."""

import secrets
from datetime import timedelta

from flask import session
from sqlalchemy import delete
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from ..db_types import utcnow
from ..extensions import db
from .models import WebAuthnChallenge

SESSION_KEY = "webauthn_challenge"


class ChallengeRefused(Exception):
    """The response answers no challenge this session holds (unknown, used or expired)."""


def issue(user, purpose: str, seconds: int) -> bytes:
    """Store a fresh challenge for `user` and `purpose`, name it in the session, return it."""
    now = utcnow()
    db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at <= now))
    forget()  # a session runs one ceremony at a time: a new one voids the earlier
    value = secrets.token_bytes(32)
    text = bytes_to_base64url(value)
    db.session.add(
        WebAuthnChallenge(
            user_id=user.id,
            purpose=purpose,
            challenge=text,
            expires_at=now + timedelta(seconds=seconds),
        )
    )
    session[SESSION_KEY] = {"purpose": purpose, "user": user.id, "challenge": text}
    return value


def redeem(user, purpose: str) -> bytes:
    """Use up the session's challenge for `user` and `purpose`; raise ChallengeRefused.

    The guarded DELETE makes it single use even against a replayed copy of the cookie and
    against two requests at once: only one of them deletes the row.
    """
    held = session.pop(SESSION_KEY, None)
    if not held or held.get("purpose") != purpose or held.get("user") != user.id:
        raise ChallengeRefused("no challenge")
    deleted = db.session.execute(
        delete(WebAuthnChallenge).where(
            WebAuthnChallenge.challenge == held["challenge"],
            WebAuthnChallenge.user_id == user.id,
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.expires_at > utcnow(),
        )
    )
    if deleted.rowcount != 1:
        raise ChallengeRefused("used or expired")
    return base64url_to_bytes(held["challenge"])


def forget() -> None:
    """Drop the session's pending challenge (its row expires on its own)."""
    held = session.pop(SESSION_KEY, None)
    if held:
        db.session.execute(
            delete(WebAuthnChallenge).where(WebAuthnChallenge.challenge == held["challenge"])
        )
