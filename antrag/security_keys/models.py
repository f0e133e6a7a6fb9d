"""A user's registered WebAuthn credentials and the server's pending ceremony challenges."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

PURPOSES = ("register", "authenticate")


class WebAuthnCredential(db.Model):
    """One security key or passkey of a user; an account may have several."""

    __tablename__ = "webauthn_credential"
    __table_args__ = (CheckConstraint("sign_count >= 0", name="sign_count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The authenticator's credential id, base64url without padding (at most 1023 bytes).
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    # The credential's public key as a COSE_Key (CBOR), as the authenticator gave it.
    public_key: Mapped[bytes] = mapped_column(LargeBinary())
    # The signature counter (32 bits unsigned); a response that does not raise it is refused.
    sign_count: Mapped[int] = mapped_column(BigInteger(), default=0)
    # The transports the browser reported ("usb,nfc,internal"), passed back as hints.
    transports: Mapped[str] = mapped_column(String(200), default="", server_default="")
    aaguid: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")

    @property
    def transport_list(self) -> list[str]:
        return [item for item in self.transports.split(",") if item]

    def __repr__(self) -> str:
        return f"<WebAuthnCredential {self.id} {self.name!r} user={self.user_id}>"


class WebAuthnChallenge(db.Model):
    """A challenge handed to the browser for one ceremony: used once, then deleted.

    The cookie session names it, the row makes it single use: a copy of an old cookie
    cannot replay a ceremony, because the row is gone (deleted with a guarded DELETE).
    """

    __tablename__ = "webauthn_challenge"
    __table_args__ = (
        CheckConstraint("purpose IN ('register', 'authenticate')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    # base64url of 32 random bytes.
    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
