"""The server side of the two WebAuthn ceremonies: enrolling a key and signing in with it.

Each ceremony has two steps: the options (with a fresh challenge, see challenges.py) that
the browser passes to `navigator.credentials.create()` / `.get()`, and the verification
of the authenticator's answer by py_webauthn. Operations flush, log and never commit.
"""

import hashlib
import hmac
import json
import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..db_types import utcnow
from ..extensions import db
from ..security import security_event
from . import challenges
from .models import WebAuthnCredential
from .relying_party import relying_party

logger = logging.getLogger(__name__)
NAME_MAX = 100
TRANSPORTS = {item.value for item in AuthenticatorTransport}
# What py_webauthn raises for an answer that does not verify or does not parse.
MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


class KeyRefused(Exception):
    """A ceremony or a change refused, with a German message for the person."""


def keys_of(user) -> list[WebAuthnCredential]:
    """Return the user's keys, oldest first."""
    query = select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
    return list(db.session.scalars(query.order_by(WebAuthnCredential.id)))


def has_key(user) -> bool:
    """Return whether the user has at least one key."""
    query = select(WebAuthnCredential.id).where(WebAuthnCredential.user_id == user.id)
    return db.session.scalar(query.limit(1)) is not None


def _user_handle(user) -> bytes:
    """Return the stable, opaque user handle: no e-mail or name goes to the authenticator."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"webauthn-user:{user.id}".encode(), hashlib.sha256).digest()


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(key.credential_id),
            transports=[AuthenticatorTransport(t) for t in key.transport_list if t in TRANSPORTS],
        )
        for key in keys_of(user)
    ]


def registration_options(user) -> dict:
    """Return the options to enrol a new key for `user` (its own keys are excluded)."""
    rp = relying_party()
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(user),
        user_name=user.email,
        user_display_name=user.name,
        challenge=challenges.issue(user, "register", rp.challenge_seconds),
        timeout=rp.challenge_seconds * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement(rp.user_verification),
        ),
        exclude_credentials=_descriptors(user),
    )
    return json.loads(options_to_json(options))


def clean_name(name: str | None) -> str:
    """Return the key's name trimmed; refuse an empty or overlong one."""
    name = " ".join((name or "").split())
    if not name:
        raise KeyRefused(_("Bitte geben Sie dem Sicherheitsschlüssel einen Namen."))
    if len(name) > NAME_MAX:
        raise KeyRefused(_("Der Name darf höchstens %(max)d Zeichen lang sein.", max=NAME_MAX))
    return name


def register_key(user, name: str | None, response) -> WebAuthnCredential:
    """Verify the authenticator's answer to the session's challenge and store the new key."""
    name = clean_name(name)
    rp = relying_party()
    try:
        expected = challenges.redeem(user, "register")
    except challenges.ChallengeRefused as exc:
        security_event("webauthn_register", user=user, outcome="refused", reason=str(exc))
        raise KeyRefused(
            _("Die Anfrage ist abgelaufen. Bitte versuchen Sie es noch einmal.")
        ) from exc
    try:
        verified = verify_registration_response(
            credential=response,
            expected_challenge=expected,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=rp.requires_user_verification,
        )
    except MALFORMED as exc:
        security_event("webauthn_register", user=user, outcome="refused", reason=_reason(exc))
        raise KeyRefused(_("Der Sicherheitsschlüssel konnte nicht eingerichtet werden.")) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(
        select(WebAuthnCredential.id).where(WebAuthnCredential.credential_id == credential_id)
    ):
        security_event("webauthn_register", user=user, outcome="refused", reason="known_key")
        raise KeyRefused(_("Dieser Sicherheitsschlüssel ist bereits eingerichtet."))
    key = WebAuthnCredential(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(_transports(response)),
        aaguid=verified.aaguid,
        name=name,
    )
    db.session.add(key)
    db.session.flush()
    security_event("webauthn_register", user=user, obj=key)
    logger.info("Security key %s enrolled by user %s", key.id, user.id)
    return key


def _transports(response) -> list[str]:
    """Return the transports the browser reported, known ones only."""
    if isinstance(response, str):
        response = json.loads(response)
    reported = ((response or {}).get("response") or {}).get("transports") or []
    return [t for t in reported if isinstance(t, str) and t in TRANSPORTS][:6]


def _reason(exc: Exception) -> str:
    """Return a short, log-safe reason (the library's message, bounded)."""
    return f"{type(exc).__name__}:{exc}"[:150]


def authentication_options(user) -> dict:
    """Return the options to sign in with one of the user's keys; refuse without a key."""
    rp = relying_party()
    allowed = _descriptors(user)
    if not allowed:
        raise KeyRefused(_("Für Ihr Konto ist kein Sicherheitsschlüssel eingerichtet."))
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenges.issue(user, "authenticate", rp.challenge_seconds),
        timeout=rp.challenge_seconds * 1000,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement(rp.user_verification),
    )
    return json.loads(options_to_json(options))


def authenticate(user, response) -> WebAuthnCredential:
    """Verify the assertion of one of the user's keys; raise KeyRefused (logged) otherwise.

    The signature counter must rise (unless the authenticator keeps none and always sends
    0, as synced passkeys do): a lower or equal count hints at a cloned key (WebAuthn
    Level 2, § 6.1.1 "Signature Counter Considerations"). The new count is written with a
    guarded UPDATE, so that two answers racing with the same count cannot both pass.
    """
    rp = relying_party()
    try:
        expected = challenges.redeem(user, "authenticate")
    except challenges.ChallengeRefused as exc:
        _refused(user, None, str(exc))
        raise KeyRefused(
            _("Die Anfrage ist abgelaufen. Bitte versuchen Sie es noch einmal.")
        ) from exc
    key = _key_answering(user, response)
    try:
        verified = verify_authentication_response(
            credential=response,
            expected_challenge=expected,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=0,  # compared below, after the signature
            require_user_verification=rp.requires_user_verification,
        )
    except MALFORMED as exc:
        _refused(user, key, _reason(exc))
        raise KeyRefused(_("Der Sicherheitsschlüssel wurde nicht erkannt.")) from exc
    new_count, now = verified.new_sign_count, utcnow()
    raised = db.session.execute(
        update(WebAuthnCredential)
        .where(
            WebAuthnCredential.id == key.id,
            or_(
                WebAuthnCredential.sign_count < new_count,
                (WebAuthnCredential.sign_count == 0) & (new_count == 0),
            ),
        )
        .values(sign_count=new_count, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if raised.rowcount != 1:
        security_event(
            "webauthn_sign_count",
            user=user,
            obj=key,
            outcome="refused",
            stored=key.sign_count,
            received=new_count,
        )
        raise KeyRefused(
            _("Der Sicherheitsschlüssel wurde abgelehnt, weil sein Zähler nicht stimmt.")
        )
    db.session.refresh(key)
    security_event("webauthn_authenticate", user=user, obj=key)
    return key


def _key_answering(user, response) -> WebAuthnCredential:
    """Return the user's key that the response names; refuse an unknown or foreign one."""
    if isinstance(response, str):
        try:
            response = json.loads(response)
        except ValueError:
            response = None
    raw_id = response.get("rawId") or response.get("id") if isinstance(response, dict) else None
    key = None
    if isinstance(raw_id, str) and len(raw_id) <= 1400:
        key = db.session.scalar(
            select(WebAuthnCredential).where(
                WebAuthnCredential.credential_id == raw_id.rstrip("="),
                WebAuthnCredential.user_id == user.id,
            )
        )
    if key is None:
        _refused(user, None, "unknown_key")
        raise KeyRefused(_("Der Sicherheitsschlüssel wurde nicht erkannt."))
    return key


def _refused(user, key, reason: str) -> None:
    security_event("webauthn_authenticate", user=user, obj=key, outcome="refused", reason=reason)
