"""Recovery codes: ten single-use codes for the day the authenticator app is lost.

They are made at enrolment (and again on request, which voids the old ones), shown once
and stored only as salted hashes (OWASP ASVS 4.0.3 V2.6.1 "look-up secrets can be used
only once", V2.6.2 "… if less than 112 bits of entropy, salted and hashed": here 10
characters of a 31-letter alphabet, about 50 bits, hashed like passwords and throttled
like the login; see README, "Anmeldesicherheit").
They are a fall-back, not a method of their own: an account with only recovery codes
has no second factor.
"""

import secrets

from flask import current_app, request
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import utcnow
from ..extensions import db
from ..i18n import N_
from ..security import security_event
from .factor_models import RecoveryCode
from .models import User
from .second_factor import Method, register
from .throttling import may_evaluate, record_attempt
from .totp import throttle_key

COUNT = 10
# No 0/O, 1/I/L: codes are read off paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _hash(code: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(code, method=method)


def generate(user: User) -> list[str]:
    """Void the user's codes and make `COUNT` new ones; return them for showing once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    now = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash(code), created_at=now) for code in codes
    )
    db.session.flush()
    security_event("recovery_codes_generated", user=user, count=COUNT)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def remaining(user: User) -> int:
    """Return how many unused codes `user` has."""
    return len(_unused(user))


def _unused(user: User) -> list[RecoveryCode]:
    return list(
        db.session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
    )


def use(user: User, code: str | None) -> str | None:
    """Spend one code of `user`; return None if accepted, else "throttled" or "wrong"."""
    key = throttle_key(user)
    if not may_evaluate(key):
        security_event("second_factor", user=user, outcome="throttled", method="recovery")
        return "throttled"
    typed = _normalise(code)
    found = None
    if len(typed) == LENGTH:
        found = next((r for r in _unused(user) if check_password_hash(r.code_hash, typed)), None)
    # The guarded UPDATE spends the code once even if two requests found it.
    spent = (
        found is not None
        and db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    record_attempt(key, spent, request.remote_addr)
    if not spent:
        security_event("second_factor", user=user, outcome="failure", method="recovery")
        return "wrong"
    security_event("second_factor", user=user, method="recovery", remaining=remaining(user))
    return None


def remove(user: User) -> int:
    """Delete every code of `user` (a confirmed reset); return how many."""
    result = db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return result.rowcount


register(
    Method(
        "recovery",
        N_("Wiederherstellungscode"),
        lambda user: remaining(user) > 0,
        "second_factor.login_recovery",
        backup=True,
        remove=remove,
    )
)
