"""Account operations shared by the admin UI, the CLI and the demo data; they never commit."""

import logging

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..extensions import db
from ..programme.models import Municipality
from .models import PASSWORD_MIN_LENGTH, ROLE_LABELS, User

logger = logging.getLogger(__name__)


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why (German)."""


def normalise_email(email: str) -> str:
    """Return the e-mail address in its normal form, or raise AccountError."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(f"„{email}“ ist keine gültige E-Mail-Adresse.") from None


def check_password_strength(password: str) -> None:
    """Raise AccountError if the password is too short."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Das Passwort muss mindestens {PASSWORD_MIN_LENGTH} Zeichen lang sein.")


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    municipality_ags: str | None = None,
    organisation: str | None = None,
) -> User:
    """Create an account; applicants need a municipality, the others must not have one."""
    email = normalise_email(email)
    if role not in ROLE_LABELS:
        raise AccountError(f"Unbekannte Rolle „{role}“.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"Es gibt bereits ein Konto für {email}.")
    check_password_strength(password)
    municipality = None
    if role == "applicant":
        if not municipality_ags:
            raise AccountError("Antragstellende Konten brauchen eine Kommune (AGS).")
        municipality = db.session.scalar(
            select(Municipality).where(Municipality.ags == municipality_ags)
        )
        if municipality is None:
            raise AccountError(f"Keine Kommune mit dem AGS {municipality_ags}.")
    elif municipality_ags:
        raise AccountError("Nur antragstellende Konten gehören zu einer Kommune.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        municipality=municipality,
        organisation=(organisation or None),
        active=True,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    logger.info("User %s created with role %s", user.id, role)
    return user
