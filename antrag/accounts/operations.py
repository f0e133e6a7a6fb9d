"""Account operations shared by the admin UI, the CLI and the demo data; they never commit."""

import logging
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..programme.models import Municipality
from .models import PASSWORD_MIN_LENGTH, PENDING, ROLE_LABELS, User
from .problems import Problems
from .sessions import end_sessions_of

logger = logging.getLogger(__name__)
NAME_MAX = 200
MENTOR_CAPACITY_MAX = 50
PHONE_MAX = 50
# Digits with the usual separators: "06131 16-3512", "+49 6131 16-0", "(06131) 16 3512".
PHONE_RE = re.compile(r"^\+?[0-9 ()/\-]+$")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why (German).

    `field` names the form field the message belongs to, where there is one.
    """

    def __init__(self, message: str, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.field = field
        self.errors = errors or {field or "": message}

    @classmethod
    def all_of(cls, errors: dict[str, str]) -> "AccountError":
        """Return one error that carries every field's message (the first is its own)."""
        field, message = next(iter(errors.items()))
        return cls(message, field, errors)


def normalise_email(email: str) -> str:
    """Return the e-mail address in its normal form, or raise AccountError."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(
            _("„%(email)s“ ist keine gültige E-Mail-Adresse.", email=email), "email"
        ) from None


def check_password_strength(password: str) -> None:
    """Raise AccountError if the password is too short."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise AccountError(
            _(
                "Das Passwort muss mindestens %(count)s Zeichen lang sein.",
                count=PASSWORD_MIN_LENGTH,
            ),
            "password",
        )


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    municipality_ags: str | None = None,
    organisation: str | None = None,
    actor=None,
    can_sign: bool = False,
    lead: bool = False,
    mentor_capacity: int = 0,
    mentor_topics=(),
    may_represent: bool = False,
    represents_as: str | None = None,
    function: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
) -> User:
    """Create an account; applicants need a municipality, the others must not have one.

    Every refusal is reported at once (AccountError.errors maps fields to messages).
    """
    from .problems import new_account_problems

    problems = new_account_problems(
        email, role, password, municipality_ags, can_sign, mentor_capacity, mentor_topics,
        may_represent, represents_as, function, unit, phone, lead,
    )  # fmt: skip
    if problems:
        raise AccountError.all_of(problems)
    email = normalise_email(email)
    municipality = _municipality_for(role, municipality_ags)
    topics = _role_extras(role, can_sign, mentor_capacity, mentor_topics)
    represents_as = _representation(role, may_represent, represents_as)
    signature = signature_block(function, unit, phone)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        municipality=municipality,
        organisation=(organisation or None),
        active=True,
        can_sign=bool(can_sign),
        lead=bool(lead),
        mentor_capacity=mentor_capacity or 0,
        mentor_topics=topics,
        may_represent=bool(may_represent),
        represents_as=represents_as,
        **signature,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    logger.info("User %s created with role %s by %s", user.id, role, _who(actor))
    return user


def _municipality_for(role: str, municipality_ags: str | None) -> Municipality | None:
    """Return the municipality an account of `role` belongs to, or raise AccountError."""
    if role != "applicant":
        if municipality_ags:
            raise AccountError(
                _("Nur antragstellende Konten gehören zu einer Kommune."), "municipality"
            )
        return None
    if not municipality_ags:
        raise AccountError(_("Antragstellende Konten brauchen eine Kommune (AGS)."), "municipality")
    municipality = db.session.scalar(
        select(Municipality).where(Municipality.ags == municipality_ags)
    )
    if municipality is None:
        raise AccountError(
            _("Keine Kommune mit dem AGS %(ags)s.", ags=municipality_ags), "municipality"
        )
    return municipality


def update_user(
    user: User,
    actor=None,
    *,
    name: str,
    role: str,
    municipality_ags: str | None = None,
    organisation: str | None = None,
    active: bool = True,
    password: str | None = None,
    can_sign: bool | None = None,
    lead: bool | None = None,
    mentor_capacity: int | None = None,
    mentor_topics=None,
    may_represent: bool | None = None,
    represents_as: str | None = None,
    function: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
) -> User:
    """Change an account's name, role, municipality, organisation, flags and password.

    `can_sign`, `lead`, `mentor_capacity`, `mentor_topics` and `may_represent` (with
    `represents_as`) keep their stored values when None; so do `function`, `unit` and
    `phone` (an empty string clears them).
    """
    problems = Problems(default_field="name")
    if not (name or "").strip():
        problems.add("name", _("Bitte geben Sie den Namen an."))
    elif len(name.strip()) > NAME_MAX:
        problems.add("name", _("Höchstens %(count)s Zeichen.", count=NAME_MAX))
    if role not in ROLE_LABELS:
        problems.add("role", _("Unbekannte Rolle „%(role)s“.", role=role))
    if user.role == PENDING:
        problems.add(
            "role",
            _("Dieses Konto wartet auf Bestätigung: Bitte entscheiden Sie die Zugangsanfrage."),
        )
    if actor is not None and actor.id == user.id:
        if role != user.role:
            problems.add("role", _("Sie können Ihre eigene Rolle nicht ändern."))
        if not active:
            problems.add("active", _("Sie können Ihr eigenes Konto nicht deaktivieren."))
    municipality = problems.check(_municipality_for, role, municipality_ags)
    if password:
        problems.check(check_password_strength, password)
    # Values not passed are kept while they fit the (new) role, and dropped otherwise.
    if can_sign is None:
        can_sign = user.can_sign and role == "reviewer"
    if lead is None:
        lead = user.lead and role == "reviewer"
    problems.check(check_lead, role, lead)
    if mentor_capacity is None:
        mentor_capacity = user.mentor_capacity if role == "mentor" else 0
    if mentor_topics is None:
        stored = [t for t in (user.mentor_topics or "").split(",") if t]
        mentor_topics = stored if role == "mentor" else []
    topics = problems.check(_role_extras, role, can_sign, mentor_capacity, mentor_topics)
    if may_represent is None:
        may_represent = user.may_represent and role == "applicant"
        represents_as = user.represents_as if may_represent else None
    represents_as = problems.check(_representation, role, may_represent, represents_as)
    signature = problems.check(
        signature_block,
        user.function if function is None else function,
        user.unit if unit is None else unit,
        user.phone if phone is None else phone,
    )
    if problems.errors:  # every refusal at once
        raise AccountError.all_of(problems.errors)
    for field, value in signature.items():
        setattr(user, field, value)
    user.may_represent, user.represents_as = bool(may_represent), represents_as
    user.can_sign, user.lead = bool(can_sign), bool(lead)
    user.mentor_capacity, user.mentor_topics = mentor_capacity or 0, topics
    user.municipality = municipality
    user.name = name.strip()
    user.role = role
    user.organisation = organisation or None
    user.active = bool(active)
    if not user.active:
        end_sessions_of(user, "deactivated")
    if password:
        set_password(user, password, actor)
    db.session.flush()
    logger.info("User %s updated by %s", user.id, _who(actor))
    return user


def signature_block(function, unit, phone) -> dict:
    """Check the signature block (each part optional); return the cleaned values."""
    values = {
        "function": " ".join((function or "").split()) or None,
        "unit": " ".join((unit or "").split()) or None,
        "phone": " ".join((phone or "").split()) or None,
    }
    for field in ("function", "unit"):
        if values[field] and len(values[field]) > NAME_MAX:
            raise AccountError(_("Höchstens %(count)s Zeichen.", count=NAME_MAX), field)
    phone = values["phone"]
    if phone and (
        len(phone) > PHONE_MAX or not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 5
    ):
        raise AccountError(
            _(
                "Bitte geben Sie eine Telefonnummer aus Ziffern an, zum Beispiel "
                "„06131 16-3512“ oder „+49 6131 16-3512“."
            ),
            "phone",
        )
    return values


def _representation(role: str, may_represent, represents_as) -> str | None:
    """Check the right to represent the city (applicants, with a function); return the function."""
    text = (represents_as or "").strip()
    if not may_represent:
        return None
    if role != "applicant":
        raise AccountError(
            _("Die Kommune vertreten können nur Konten einer Kommune (Antragstellende)."),
            "may_represent",
        )
    if not text:
        raise AccountError(
            _("Bitte geben Sie an, in welcher Funktion die Person die Kommune vertritt."),
            "represents_as",
        )
    if len(text) > NAME_MAX:
        raise AccountError(_("Höchstens %(count)s Zeichen.", count=NAME_MAX), "represents_as")
    return text


def _role_extras(role: str, can_sign, mentor_capacity, mentor_topics) -> str:
    """Check the signing flag (reviewers) and mentor fields; return the topics comma-separated."""
    from ..applications.models import FIELDS_OF_ACTION

    if can_sign and role != "reviewer":
        raise AccountError(
            _("Zeichnungsbefugnis gibt es nur für Konten des Ministeriums (Prüfung)."), "can_sign"
        )
    if not 0 <= (mentor_capacity or 0) <= MENTOR_CAPACITY_MAX:
        raise AccountError(
            _("Bitte geben Sie eine Zahl von 0 bis %(max)s an.", max=MENTOR_CAPACITY_MAX),
            "mentor_capacity",
        )
    unknown = [t for t in mentor_topics if t not in FIELDS_OF_ACTION]
    if unknown:
        raise AccountError(
            _("Unbekanntes Handlungsfeld „%(topic)s“.", topic=unknown[0]), "mentor_topics"
        )
    if role != "mentor" and (mentor_capacity or mentor_topics):
        raise AccountError(
            _("Kapazität und Handlungsfelder gibt es nur für Konten des Mentorings."),
            "mentor_capacity" if mentor_capacity else "mentor_topics",
        )
    return ",".join(t for t in FIELDS_OF_ACTION if t in set(mentor_topics))


def check_lead(role: str, lead) -> None:
    """Refuse the head-of-unit flag (escalations in the inbox) for anyone but reviewers."""
    if lead and role != "reviewer":
        raise AccountError(
            _("Referatsleitung gibt es nur für Konten des Ministeriums (Prüfung)."), "lead"
        )


def set_password(user: User, password: str, actor=None) -> None:
    """Give `user` a new password after checking its strength."""
    check_password_strength(password)
    user.set_password(password)
    db.session.flush()
    end_sessions_of(user, "password")  # a stolen session does not outlive a new password
    logger.info("Password of user %s set by %s", user.id, _who(actor))


def _who(actor) -> str:
    return f"{actor.role}:{actor.id}" if actor is not None else "cli"
