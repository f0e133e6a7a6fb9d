"""Removing a key: only one's own, and never the last second factor a role requires."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..security import security_event
from .ceremonies import KeyRefused
from .models import WebAuthnCredential

logger = logging.getLogger(__name__)


def remove_key(user, key_id: int) -> WebAuthnCredential | None:
    """Delete one of the user's own keys; None if it is not theirs. Raise KeyRefused.

    The user's row is locked first, so that two removals at once cannot both see the
    other key and leave an account that needs a second factor without any.
    """
    from ..accounts.models import User

    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    key = db.session.scalar(
        select(WebAuthnCredential).where(
            WebAuthnCredential.id == key_id, WebAuthnCredential.user_id == user.id
        )
    )
    if key is None:
        return None
    if not _another_factor_left(user, key):
        security_event("webauthn_remove", user=user, obj=key, outcome="refused", reason="last")
        raise KeyRefused(
            _(
                "Dies ist Ihr letzter zweiter Faktor, und Ihre Rolle verlangt einen. Richten "
                "Sie zuerst einen anderen ein, dann können Sie diesen Schlüssel entfernen."
            )
        )
    db.session.delete(key)
    db.session.flush()
    security_event("webauthn_remove", user=user, obj=key)
    logger.info("Security key %s removed by user %s", key_id, user.id)
    return key


def _another_factor_left(user, key) -> bool:
    """Return whether the user keeps a second factor without `key`, or needs none."""
    others = db.session.scalar(
        select(WebAuthnCredential.id)
        .where(WebAuthnCredential.user_id == user.id, WebAuthnCredential.id != key.id)
        .limit(1)
    )
    if others is not None:
        return True
    from . import integration

    return not integration.requires_second_factor(user) or integration.other_methods_left(user)
