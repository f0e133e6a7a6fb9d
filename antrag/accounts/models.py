"""The user account with its role and, for applicants, its municipality."""

from datetime import datetime

from flask import current_app
from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import N_, label

# The roles an administrator assigns.
ROLE_LABELS = {
    "applicant": N_("Antragstellende Kommune"),
    "reviewer": N_("Ministerium (Prüfung)"),
    "mentor": N_("Mentoring (KL.digital)"),
    "admin": N_("Administration"),
}
# An account made for an address from a public form: it belongs to no municipality and may
# do nothing until someone who may confirms it (antrag/accounts/access_requests.py). Every
# permission question asks for one of the roles above, so each refuses it without a check
# of its own.
PENDING = "pending"
PENDING_LABEL = N_("Wartet auf Bestätigung")
PASSWORD_MIN_LENGTH = 12
# The signature block of a letter (Unterschriftsblock): the signer's function, unit, phone.
SIGNATURE_FIELDS = {
    "function": N_("Funktion"),
    "unit": N_("Organisationseinheit"),
    "phone": N_("Telefon"),
}


class User(UserMixin, db.Model):
    """A person who logs in; applicants belong to exactly one municipality."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(
            "role IN ('applicant', 'reviewer', 'mentor', 'admin', 'pending')", name="role_known"
        ),
        CheckConstraint(
            "(role = 'applicant') = (municipality_id IS NOT NULL)", name="applicant_municipality"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Zeichnungsbefugnis: a reviewer who may issue funding notices.
    can_sign: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Vertretungsbefugnis (§ 47 GemO RLP): an applicant who may declare for the city, e.g.
    # waive its right of action, and the function in which they act.
    may_represent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    represents_as: Mapped[str | None] = mapped_column(String(200))
    # The signature block of the letters an account signs: function, unit and phone.
    function: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    # Mentors: how many active assignments they can take and their fields of action.
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mentor_topics: Mapped[str] = mapped_column(String(400), default="", server_default="")

    municipality = relationship("Municipality")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def display_name(self) -> str:
        """Return the name as shown in histories: the person and where they work."""
        where = self.municipality.name if self.municipality else self.organisation
        return f"{self.name} ({where})" if where else self.name

    @property
    def role_label(self) -> str:
        return label(
            PENDING_LABEL if self.role == PENDING else ROLE_LABELS.get(self.role, self.role)
        )

    def signature_gaps(self) -> list[str]:
        """Return the German labels of what the signature block of a letter still lacks."""
        return [
            gettext(text) for field, text in SIGNATURE_FIELDS.items() if not getattr(self, field)
        ]

    def set_password(self, password: str) -> None:
        """Hash and store `password` (scrypt unless the config asks for a cheaper hash in tests)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Return whether `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One login: the server-side half of a session cookie, ended at logout or time-out.

    The cookie carries a random secret; only its SHA-256 is stored, so a leaked table
    cannot be replayed as cookies.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # logout, idle, expired (absolute time-out), deactivated, password
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ip: Mapped[str | None] = mapped_column(String(45))
    # When this session last passed a second factor (at login or a step-up), and with which
    # method ("totp", "recovery", "webauthn", …); None: never (see accounts/second_factor.py).
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    second_factor_method: Mapped[str | None] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.ended_at}>"


class LoginAttempt(db.Model):
    """One evaluated login attempt; failures in a recent window throttle further guesses."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_at", "email_normalised", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The e-mail as typed, trimmed and lower-cased: unknown addresses are throttled too.
    email_normalised: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)
    ip: Mapped[str | None] = mapped_column(String(45))
