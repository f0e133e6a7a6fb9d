"""Drafting and editing an amendment notice (the changes are checked again by the guards)."""

import logging
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from .. import engine
from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..engine.errors import InvalidInput, NotAllowed
from ..funding.file_reference import next_file_reference
from .models import AmendmentNotice

logger = logging.getLogger(__name__)


def _check(new_amount, new_period_end, condition, reasons) -> None:
    """Refuse an amendment without any change or without reasons, with field messages."""
    errors = {}
    if new_amount is None and new_period_end is None and not (condition or "").strip():
        errors["changes"] = _(
            "Bitte geben Sie mindestens eine Änderung an: ein neues Ende des "
            "Bewilligungszeitraums, einen geminderten Betrag oder eine Auflage."
        )
    if new_amount is not None and new_amount <= 0:
        errors["new_amount"] = _(
            "Der neue Betrag muss größer als 0,00 € sein; ein vollständiger Widerruf ist "
            "kein Änderungsbescheid."
        )
    if not (reasons or "").strip():
        errors["reasons"] = _("Bitte geben Sie die Begründung an (§ 39 VwVfG).")
    if errors:
        raise InvalidInput(_("Bitte prüfen Sie Ihre Eingaben."), errors=errors)


def draft_amendment(
    actor,
    notice,
    *,
    new_amount: Decimal | None,
    new_period_end: date | None,
    condition: str | None,
    reasons: str,
) -> AmendmentNotice:
    """Draft an amendment of `notice` as a reviewer and start its case (does not commit)."""
    if getattr(actor, "role", None) != "reviewer":
        raise NotAllowed(_("Änderungsbescheide entwirft nur das Ministerium."))
    _check(new_amount, new_period_end, condition, reasons)
    municipality = notice.municipality
    amendment = AmendmentNotice(
        notice_id=notice.id,
        notice=notice,
        round_id=notice.round_id,
        municipality_id=notice.municipality_id,
        file_reference=next_file_reference(utcnow().astimezone(BERLIN).year),
        new_amount=new_amount,
        new_period_end=new_period_end,
        additional_condition=(condition or "").strip() or None,
        reasons=reasons.strip(),
        drafted_by_id=actor.id,
        addressee_name=municipality.legal_designation,
        addressee_head=municipality.represented_by,
        addressee_address=municipality.postal_address,
    )
    engine.start("amendment_notice", amendment, actor)
    logger.info(
        "Amendment %s of notice %s drafted by %s",
        amendment.file_reference,
        notice.file_reference,
        actor.id,
    )
    return amendment


def edit_amendment(
    actor, amendment, version: int, *, new_amount, new_period_end, condition, reasons
) -> None:
    """Change a drafted amendment's changes and reasons; refuse a stale form (does not commit)."""
    if not amendment.can_edit(actor):
        raise NotAllowed(_("Nur ein Entwurf kann geändert werden."))
    _check(new_amount, new_period_end, condition, reasons)
    engine.touch(amendment.case, version)
    amendment.new_amount = new_amount
    amendment.new_period_end = new_period_end
    amendment.additional_condition = (condition or "").strip() or None
    amendment.reasons = reasons.strip()
