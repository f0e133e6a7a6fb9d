"""Authenticator apps: time-based one-time passwords (TOTP, RFC 6238) with `pyotp`.

The shared secret is stored encrypted (Fernet, AES-128-CBC with HMAC) under a key derived
from SECOND_FACTOR_KEY, or the SECRET_KEY if that is not set: a copy of the database or
an export alone does not give the codes (OWASP ASVS 4.0.3 V2.8.2: the symmetric keys
that verify OTPs are highly protected).
Changing the key makes the enrolled secrets unreadable; every account then needs a reset.

A code is accepted for its 30-second step and one step either side (clock drift, RFC 6238
§ 5.2); each step is accepted once per account (`last_step`, moved by a guarded UPDATE, so
two parallel requests cannot both spend it: ASVS 4.0.3 V2.8.4); a used code presented again is
refused, logged and mailed to the holder once per step (V2.8.5, totp_replay.py). Wrong codes
are throttled like password guesses (accounts/throttling.py), counted per account.
"""

import base64
import hmac

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, request
from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from ..i18n import N_
from ..security import security_event
from .factor_models import TotpCredential
from .models import User
from .second_factor import Method, register
from .throttling import may_evaluate, record_attempt
from .totp_replay import notify_replay

ISSUER = "Antrag Digitale Stadt"
DRIFT_STEPS = 1  # steps accepted either side of the current one
CODE_DIGITS = 6


def _fernet() -> Fernet:
    key = current_app.config.get("SECOND_FACTOR_KEY") or current_app.config["SECRET_KEY"]
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"antrag second factor totp"
    ).derive(key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def _secret(credential: TotpCredential) -> str | None:
    try:
        return _fernet().decrypt(credential.secret_encrypted.encode()).decode()
    except InvalidToken:
        return None  # the key has changed: the account needs a reset


def credential_of(user: User) -> TotpCredential | None:
    """Return the user's TOTP credential, confirmed or not."""
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def enrolled(user: User) -> bool:
    """Return whether `user` has a confirmed authenticator app."""
    credential = credential_of(user)
    return credential is not None and credential.confirmed_at is not None


def begin_enrolment(user: User) -> TotpCredential:
    """Return the user's unconfirmed credential, making one with a fresh secret if needed."""
    credential = credential_of(user)
    if credential is None:
        secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        credential = TotpCredential(
            user_id=user.id,
            secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
            created_at=utcnow(),
        )
        db.session.add(credential)
        db.session.flush()
    return credential


def provisioning(user: User, credential: TotpCredential) -> tuple[str, str]:
    """Return the secret (for typing in) and the QR code of the otpauth URI as a data URI."""
    secret = _secret(credential) or ""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def _matching_step(secret: str, code: str) -> int | None:
    """Return the time step whose code is `code` (within the drift), or None."""
    code = "".join(code.split())
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _spend(credential: TotpCredential, step: int) -> bool:
    """Accept `step` once: move `last_step` forward only if it is still behind."""
    result = db.session.execute(
        update(TotpCredential)
        .where(TotpCredential.id == credential.id, TotpCredential.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(credential)
    return result.rowcount == 1


def _replayed(user: User, credential_id: int, step: int) -> None:
    """Mail the holder about the replayed code (ASVS 4.0.3 V2.8.5, see totp_replay.py).

    A request that rolls back (an API step-up) queues it again after the rollback."""
    g.second_factor_replay = (credential_id, step)
    notify_replay(user, credential_id, step)


def throttle_key(user: User) -> str:
    """Return the key wrong second-factor codes of `user` are counted under."""
    return f"second-factor:{user.id}"


def check_code(user: User, code: str | None, *, confirming: bool = False) -> str | None:
    """Check a code of `user`'s app; return None if accepted, else the refusal's reason.

    Reasons: "throttled", "not_enrolled", "wrong", "replayed". With `confirming`, the
    unconfirmed credential of an enrolment is checked and confirmed.
    """
    key = throttle_key(user)
    if not may_evaluate(key):
        security_event("second_factor", user=user, outcome="throttled", method="totp")
        return "throttled"
    credential = credential_of(user)
    if credential is None or (credential.confirmed_at is None) != confirming:
        return "not_enrolled"
    secret = _secret(credential)
    step = _matching_step(secret, code or "") if secret else None
    if step is None:
        reason = "wrong"
    elif not _spend(credential, step):
        reason = "replayed"
        if credential.confirmed_at is not None:
            _replayed(user, credential.id, step)
    else:
        reason = None
    record_attempt(key, reason is None, request.remote_addr)
    if reason is not None:
        security_event("second_factor", user=user, outcome="failure", method="totp", reason=reason)
        return reason
    if confirming:
        credential.confirmed_at = utcnow()
        db.session.flush()
        security_event("second_factor_enrolled", user=user, method="totp")
    return None


def code_for(user: User, when=None) -> str:
    """Return the current code of `user`'s app (tests and the CLI's diagnostics)."""
    totp = pyotp.TOTP(_secret(credential_of(user)))
    return totp.at(when or utcnow())


def remove(user: User) -> int:
    """Delete the user's TOTP credential (a confirmed reset); return how many rows went."""
    credential = credential_of(user)
    if credential is None:
        return 0
    db.session.delete(credential)
    db.session.flush()
    return 1


register(
    Method("totp", N_("Authenticator-App"), enrolled, "second_factor.login_totp", remove=remove)
)
