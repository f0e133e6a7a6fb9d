"""Where security keys meet the second-factor framework (antrag/accounts/second_factor.py).

Importing this module registers security keys as a method; the second-step page then
includes templates/accounts/second_factor_methods/webauthn.html for accounts with a key.
"""

from ..accounts.second_factor import METHODS, Method, register, required_for
from ..i18n import N_
from .ceremonies import has_key

METHOD = "webauthn"


def remove_all(user) -> int:
    """Delete all the user's keys (an admin's confirmed reset of a lost factor)."""
    from sqlalchemy import delete

    from ..extensions import db
    from .models import WebAuthnChallenge, WebAuthnCredential

    db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.user_id == user.id))
    result = db.session.execute(
        delete(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
    )
    return result.rowcount or 0


register(Method(METHOD, N_("Sicherheitsschlüssel"), has_key, remove=remove_all))


def requires_second_factor(user) -> bool:
    """Return whether the user's role must have a second factor (SECOND_FACTOR_ROLES)."""
    return required_for(user)


def other_methods_left(user) -> bool:
    """Return whether the user has a second factor other than security keys."""
    return any(
        method.enrolled(user)
        for method in METHODS.values()
        if method.name != METHOD and not method.backup
    )


def key_count(user) -> int:
    """Return how many keys the user has (for the page "Zweiter Faktor")."""
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import WebAuthnCredential

    query = select(func.count()).where(WebAuthnCredential.user_id == user.id)
    return db.session.scalar(query) or 0
