"""The second factor's rows: TOTP credentials, recovery codes and four-eyes resets.

What a method needs to check a login lives here; what a session has passed lives on the
session row (`UserSession.second_factor_at`). Secrets are never stored as they are: the
TOTP secret is encrypted (antrag/accounts/totp.py), recovery codes are hashed.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class TotpCredential(db.Model):
    """A user's authenticator app (RFC 6238); one per account, usable once confirmed.

    `last_step` is the time step of the last accepted code: a code of that step or an
    earlier one is refused, so that a code seen over a shoulder cannot be used again
    (RFC 6238 § 5.2). The update that moves it is guarded in SQL (see totp.py).
    """

    __tablename__ = "totp_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The step of the last replayed code the holder was mailed about (totp_replay.py).
    replay_notified_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<TotpCredential user={self.user_id} confirmed={self.confirmed_at}>"


class RecoveryCode(db.Model):
    """One single-use recovery code, stored as a salted hash; `used_at` once spent."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} used={self.used_at}>"


class SecondFactorReset(db.Model):
    """Removing a lost second factor: one admin requests, a second one confirms (four eyes).

    The database refuses a request for oneself and a confirmation by the requester; at most
    one open request per account.
    """

    __tablename__ = "second_factor_reset"
    __table_args__ = (
        CheckConstraint("requested_by_id <> user_id", name="not_for_oneself"),
        CheckConstraint(
            "confirmed_by_id IS NULL OR (confirmed_by_id <> requested_by_id "
            "AND confirmed_by_id <> user_id)",
            name="four_eyes",
        ),
        CheckConstraint(
            "(confirmed_by_id IS NULL) = (confirmed_at IS NULL)", name="confirmed_complete"
        ),
        CheckConstraint(
            "cancelled_at IS NULL OR confirmed_at IS NULL", name="confirmed_or_cancelled"
        ),
        CheckConstraint(
            "(open_marker = 1 AND confirmed_at IS NULL AND cancelled_at IS NULL) OR "
            "(open_marker IS NULL AND (confirmed_at IS NOT NULL OR cancelled_at IS NOT NULL))",
            name="open_marker_matches",
        ),
        # Only one open request: "open" rows all hold the same marker, closed ones NULL.
        UniqueConstraint("user_id", "open_marker"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 1 while the request is open, NULL once confirmed or cancelled (NULLs never collide).
    open_marker: Mapped[int | None] = mapped_column(Integer, default=1)

    user = relationship("User", foreign_keys=[user_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None

    def __repr__(self) -> str:
        return f"<SecondFactorReset {self.id} user={self.user_id} open={self.is_open}>"
