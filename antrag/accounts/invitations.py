"""Invited applicant accounts: created without a usable password, activated by a mailed link.

The link's secret is stored only as its SHA-256; the link works once and expires after
INVITATION_DAYS days. Operations never commit.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..mail.outbox import absolute_url, enqueue_to_address
from .models import PENDING, User
from .operations import AccountError, check_password_strength, normalise_email

logger = logging.getLogger(__name__)
INVITATION_DAYS = 14


class Invitation(db.Model):
    """A single-use, expiring link with which an invited person sets their first password."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", foreign_keys=[user_id])

    def is_usable(self, now: datetime | None = None) -> bool:
        """Return whether the link may still set the password (unused and not expired)."""
        return self.used_at is None and self.expires_at > (now or utcnow())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _unusable_password() -> str:
    """Return a stored value that no password matches (not a hash werkzeug can verify)."""
    return "!" + secrets.token_hex(16)


def invite_applicant(
    *, email: str, name: str, municipality, actor, pending: bool = False
) -> tuple[User, str]:
    """Create an applicant account for `municipality` and mail its set-password link.

    With `pending` the account waits for confirmation before it belongs to the municipality
    (an address from a public form: see access_requests.py). Return the account and the
    link's secret; refuse an e-mail that already has an account.
    """
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(_("Es gibt bereits ein Konto für %(email)s.", email=email), "email")
    user = User(
        email=email,
        name=name.strip(),
        role=PENDING if pending else "applicant",
        municipality=None if pending else municipality,
        active=True,
        password_hash=_unusable_password(),
    )
    db.session.add(user)
    db.session.flush()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        user=user,
        token_hash=_hash(token),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    _mail(invitation, token, municipality)
    db.session.flush()
    logger.info("User %s invited as %s by %s:%s", user.id, user.role, actor.role, actor.id)
    return user, token


def _mail(invitation: Invitation, token: str, municipality) -> None:
    """Queue the invitation mail with the set-password link."""
    user = invitation.user
    enqueue_to_address(
        "invitation",
        user.email,
        user.name,
        user=user,
        municipality=municipality,
        pending=user.role == PENDING,
        invitation=invitation,
        link=absolute_url("invitations.accept", token=token),
        days=INVITATION_DAYS,
    )


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation whose link carries `token` (used or not), or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalars(
        select(Invitation).where(Invitation.token_hash == _hash(token))
    ).one_or_none()


def accept(invitation: Invitation, password: str) -> User:
    """Set the invited person's first password and use up the link; raise AccountError."""
    now = utcnow()
    if not invitation.is_usable(now):
        raise AccountError(_("Dieser Einladungslink ist abgelaufen oder wurde bereits verwendet."))
    check_password_strength(password)
    # Mark the link used with a compare-and-set, so that two tabs cannot both use it.
    result = db.session.execute(
        db.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AccountError(_("Dieser Einladungslink ist abgelaufen oder wurde bereits verwendet."))
    invitation.user.set_password(password)
    db.session.flush()
    logger.info("User %s accepted the invitation %s", invitation.user_id, invitation.id)
    return invitation.user
