"""Creating, checking and revoking personal API tokens (operations: never commit)."""

import functools
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError

from ..accounts.models import ROLE_LABELS, User
from ..db_types import utcnow
from ..engine.reads import attached, columns, table_columns
from ..extensions import db
from ..read_phase import commit_keeping_rows
from .models import ApiToken

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "antrag_"  # noqa: S105 - a public marker, not a secret
NAME_MAX = 100
# last_used_at is written at most this often per token, so that reads stay cheap.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token cannot be created as asked; the German message says why."""


def hash_token(secret: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token named `name` for `user`; return the row and the secret (shown once)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused(_("Bitte geben Sie dem Token einen Namen."))
    if len(name) > NAME_MAX:
        raise TokenRefused(_("Der Name darf höchstens %(count)s Zeichen haben.", count=NAME_MAX))
    if not user.active:
        raise TokenRefused(_("Für ein deaktiviertes Konto kann kein Token erstellt werden."))
    if user.role not in ROLE_LABELS:
        raise TokenRefused(_("Für ein Konto, das auf Bestätigung wartet, gibt es keinen Token."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    logger.info("API token %s created for user %s", token.id, user.id)
    return token, secret


def tokens_of(user) -> list[ApiToken]:
    """Return the user's tokens, active ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def revoke_token(user, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; return it, or None if it is not theirs."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        logger.info("API token %s revoked by user %s", token.id, user.id)
    return token


@functools.cache
def _by_hash():
    """The token's user with what is checked of the token, in one statement built once.

    It runs with every API request: the user's columns and the token's fields come as
    columns, and the user is attached as the query would have loaded it (`reads.attached`).
    """
    return (
        select(
            *table_columns(User),
            ApiToken.id,
            ApiToken.token_hash,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("digest"))
    )


def authenticate(secret: str | None):
    """Return the active user the token belongs to, or None; note when it was last used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    found = columns(_by_hash(), {"digest": digest}).first()
    if found is None:
        return None
    *user_values, token_id, token_hash, revoked_at, last_used_at = found
    user = attached(User, user_values)
    if not hmac.compare_digest(token_hash, digest) or revoked_at is not None or not user.active:
        return None
    now = utcnow()
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        _note_use(token_id, now)
    return user


def _note_use(token_id: int, now) -> None:
    """Record the last use and commit it on its own; best effort, since it is informative.

    On SQLite a read request may not get the write lock at once while others write; the
    request then goes on without the note rather than failing.
    """
    try:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        commit_keeping_rows()  # the user stays loaded: no second look-up
    except OperationalError:
        db.session.rollback()
        logger.info("Last use of API token %s not recorded (database busy)", token_id)
