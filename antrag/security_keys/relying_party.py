"""Who Antrag is to an authenticator: its relying party id, name and origin, from the config.

WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN default to the host and origin of PUBLIC_URL. The RP id
must be a registrable domain (or `localhost`), never an IP address (WebAuthn Level 2,
§ 5.1.3 and "RP ID", https://www.w3.org/TR/webauthn-2/#rp-id); browsers accept plain
http only on `localhost`, everywhere else the origin must be https.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

USER_VERIFICATION = ("required", "preferred", "discouraged")


@dataclass(frozen=True)
class RelyingParty:
    """The settings of one ceremony: id, name, expected origin and user verification."""

    id: str
    name: str
    origin: str
    user_verification: str
    challenge_seconds: int

    @property
    def requires_user_verification(self) -> bool:
        return self.user_verification == "required"


def relying_party() -> RelyingParty:
    """Return the relying party as the app's config describes it."""
    config = current_app.config
    public = urlsplit(config.get("PUBLIC_URL") or "http://localhost")
    verification = config.get("WEBAUTHN_USER_VERIFICATION") or "preferred"
    if verification not in USER_VERIFICATION:
        raise ValueError(f"WEBAUTHN_USER_VERIFICATION must be one of {USER_VERIFICATION}")
    return RelyingParty(
        id=config.get("WEBAUTHN_RP_ID") or public.hostname or "localhost",
        name=config.get("WEBAUTHN_RP_NAME") or "Antrag",
        origin=(config.get("WEBAUTHN_ORIGIN") or f"{public.scheme}://{public.netloc}").rstrip("/"),
        user_verification=verification,
        challenge_seconds=int(config.get("WEBAUTHN_CHALLENGE_SECONDS") or 300),
    )
