"""Collecting every refusal of a form's checks, so that a form reports them all at once."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from .models import ROLE_LABELS, User


class Problems:
    """Run checks that raise an error with a `field`; keep the first message per field."""

    def __init__(self, default_field: str):
        self.errors: dict[str, str] = {}
        self.default_field = default_field

    def add(self, field: str | None, message: str) -> None:
        """Note a message for `field` unless that field already has one."""
        self.errors.setdefault(field or self.default_field, message)

    def check(self, check, *args, fallback=None):
        """Return `check(*args)`, or note its refusal and return `fallback`."""
        try:
            return check(*args)
        except ValueError as exc:
            if not hasattr(exc, "field"):
                raise
            for field, message in getattr(exc, "errors", {str(exc): None}).items():
                if message is None:  # a plain refusal: one message for its field
                    self.add(exc.field, str(exc))
                else:
                    self.add(field, message)
            return fallback


def new_account_problems(
    email, role, password, municipality_ags=None, can_sign=False, mentor_capacity=0,
    mentor_topics=(), may_represent=False, represents_as=None, function=None, unit=None,
    phone=None, lead=False,
) -> dict[str, str]:  # fmt: skip
    """Return every field message that refuses a new account (empty: it may be created)."""
    from .operations import (
        _municipality_for,
        _representation,
        _role_extras,
        check_lead,
        check_password_strength,
        normalise_email,
        signature_block,
    )

    problems = Problems(default_field="email")
    address = problems.check(normalise_email, email or "")
    if role not in ROLE_LABELS:
        problems.add("role", _("Unbekannte Rolle „%(role)s“.", role=role))
    if address and db.session.scalar(select(User.id).where(func.lower(User.email) == address)):
        problems.add("email", _("Es gibt bereits ein Konto für %(email)s.", email=address))
    problems.check(check_password_strength, password)
    problems.check(_municipality_for, role, municipality_ags)
    problems.check(_role_extras, role, can_sign, mentor_capacity, mentor_topics or ())
    problems.check(check_lead, role, lead)
    problems.check(_representation, role, may_represent, represents_as)
    problems.check(signature_block, function, unit, phone)
    return problems.errors
