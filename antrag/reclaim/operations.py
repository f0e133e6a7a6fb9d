"""Opening a reclaim, its interest and its payment deadline: what the rules and views share."""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import engine
from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..engine.errors import GuardRefused, InvalidInput
from ..engine.models import Case
from ..extensions import db
from ..formats import format_money
from ..funding.file_reference import next_file_reference
from ..funding.models import CallOff, FundingNotice
from ..funding.rules import paid
from ..law.interest import BaseRates, Interest, base_rates, interest, load_rates
from ..law.periods import add_months
from ..locks import lock_name
from .models import Reclaim
from .receipts import Statement, statement

logger = logging.getLogger(__name__)
# Reclaims that no longer claim anything: their amount is free for another reclaim.
ENDED_STATES = ("dropped", "annulled")
# A notice can be reclaimed from once it is final (or closed after its proof of use).
RECLAIMABLE_NOTICE_STATES = ("final", "closed")


def berlin_today(now: datetime | None = None) -> date:
    """Return today's date in Europe/Berlin."""
    return (now or utcnow()).astimezone(BERLIN).date()


def claimed_elsewhere(notice: FundingNotice, reclaim: Reclaim | None = None) -> Decimal:
    """Return what the notice's other running or decided reclaims claim back already."""
    query = (
        select(func.coalesce(func.sum(Reclaim.amount), 0))
        .join(Case, Case.id == Reclaim.case_id)
        .where(Reclaim.notice_id == notice.id, Case.state.not_in(ENDED_STATES))
    )
    if reclaim is not None and reclaim.id is not None:
        query = query.where(Reclaim.id != reclaim.id)
    return Decimal(db.session.scalar(query)).quantize(Decimal("0.01"))


def reclaimable(notice: FundingNotice, reclaim: Reclaim | None = None) -> Decimal:
    """Return the most that can be claimed back: paid on the notice, less other reclaims."""
    return paid(notice) - claimed_elsewhere(notice, reclaim)


def last_payment_day(notice: FundingNotice) -> date | None:
    """Return the day the last paid call-off of the notice was paid out (Berlin)."""
    moment = db.session.scalar(
        select(func.max(CallOff.paid_at))
        .join(Case, Case.id == CallOff.case_id)
        .where(CallOff.notice_id == notice.id, Case.state == "paid")
    )
    return moment.astimezone(BERLIN).date() if moment is not None else None


def default_interest_start(reclaim: Reclaim) -> date:
    """Return the default interest start: the day the money was paid (the revocation's effect).

    The partial revocation takes effect for the past back to the payment (§ 49 Abs. 3 Satz 1
    VwVfG); from then on the notice no longer covers the money (§ 49a Abs. 3 Satz 1 VwVfG).
    """
    return last_payment_day(reclaim.notice) or reclaim.facts_known_on


def reclaim_interest(reclaim: Reclaim, until: date) -> Interest:
    """Return the interest of the reclaim from its interest start up to and including `until`."""
    start = reclaim.interest_from or default_interest_start(reclaim)
    day_count = current_app.config.get("RECLAIM_INTEREST_DAY_COUNT", "act/365")
    return interest(reclaim.amount, start, until, configured_rates(), day_count)


def reclaim_statement(reclaim: Reclaim, until: date, extra=None) -> Statement:
    """Return the reclaim's account on `until`: receipts allocated, principal and interest open.

    `extra` is a receipt (value date, amount) not recorded yet, to see what it would do.
    """
    start = reclaim.interest_from or default_interest_start(reclaim)
    receipts = [(r.received_on, r.amount) for r in reclaim.receipts]
    if extra is not None:
        receipts.append(extra)
    return statement(
        reclaim.amount,
        start,
        receipts,
        until,
        configured_rates(),
        current_app.config.get("RECLAIM_INTEREST_DAY_COUNT", "act/365"),
        current_app.config.get("RECLAIM_RECEIPT_ORDER", "costs,interest,principal"),
    )


def settle_if_paid(reclaim: Reclaim, actor) -> bool:
    """Fire `settle` when everything is paid on known rates (version 2); return whether."""
    definition = engine.workflows().get(reclaim.case.workflow, reclaim.case.workflow_version)
    settle = definition.transition("settle")
    if settle is None or reclaim.case.state not in settle.sources:
        return False
    if not reclaim_statement(reclaim, berlin_today()).settled:
        return False
    engine.fire(reclaim.case_id, "settle", actor, version=reclaim.case.version, subject=reclaim)
    return True


def configured_rates() -> BaseRates:
    """Return the base rates: the file RECLAIM_BASE_RATES_FILE names, else the shipped one."""
    path = current_app.config.get("RECLAIM_BASE_RATES_FILE")
    return load_rates(Path(path)) if path else base_rates()


def payment_deadline(made_known: date) -> date:
    """Return the payment deadline: the set months after the notice became effective."""
    return add_months(made_known, int(current_app.config.get("RECLAIM_PAYMENT_MONTHS", 1)))


def hearing_deadline(today: date) -> date:
    """Return the default deadline of the hearing: the set weeks after the letter."""
    return today + timedelta(weeks=int(current_app.config.get("RECLAIM_HEARING_WEEKS", 4)))


def new_reclaim(notice: FundingNotice, **values) -> Reclaim:
    municipality = notice.municipality
    return Reclaim(
        notice_id=notice.id,
        notice=notice,
        round_id=notice.round_id,
        municipality_id=notice.municipality_id,
        addressee_name=notice.addressee_name,
        addressee_head=notice.addressee_head,
        addressee_address=getattr(municipality, "postal_address", None) or notice.addressee_address,
        **values,
    )


def open_for_proof(proof, actor, now: datetime) -> Reclaim:
    """Start the reclaim of an accepted proof that recognised less than was paid."""
    today = berlin_today(now)
    reclaim = new_reclaim(
        proof.notice,
        proof_id=proof.id,
        ground="overpaid",
        amount=proof.reclaim_amount,
        reason=_(
            "Der Verwendungsnachweis wurde anerkannt; die anerkannten Ausgaben liegen um "
            "%(amount)s unter den ausgezahlten Mitteln.",
            amount=format_money(proof.reclaim_amount),
        ),
        facts_known_on=today,
        file_reference=next_file_reference(today.year),
    )
    engine.start("reclaim", reclaim, actor)
    logger.info("Reclaim %s opened for proof %s", reclaim.file_reference, proof.id)
    return reclaim


def open_by_reviewer(
    actor, notice: FundingNotice, amount: Decimal, reason: str, facts_known_on: date
) -> Reclaim:
    """Open a reclaim because the purpose was not met; refuse with field messages."""
    lock_name("reclaim", str(notice.id))  # one opening per notice at a time (PostgreSQL)
    if actor.role != "reviewer":
        raise GuardRefused(_("Eine Rückforderung eröffnet nur das Ministerium."), guard="role")
    if notice.case.state not in RECLAIMABLE_NOTICE_STATES:
        raise GuardRefused(
            _("Eine Rückforderung ist erst gegen einen bestandskräftigen Bescheid möglich."),
            guard="notice_final",
        )
    errors = {}
    most = reclaimable(notice)
    if amount <= 0 or amount > most:
        errors["amount"] = _(
            "Der Betrag muss größer als 0 sein und darf höchstens %(most)s betragen "
            "(ausgezahlt, abzüglich laufender Rückforderungen).",
            most=format_money(most),
        )
    if not reason.strip():
        errors["reason"] = _("Bitte geben Sie an, welcher Zweck nicht erreicht wurde.")
    today = berlin_today()
    if facts_known_on > today:
        errors["facts_known_on"] = _("Der Tag der Kenntnis darf nicht in der Zukunft liegen.")
    if errors:
        raise InvalidInput(_("Bitte prüfen Sie Ihre Eingaben."), errors=errors)
    reclaim = new_reclaim(
        notice,
        ground="purpose_not_met",
        amount=amount,
        reason=reason.strip(),
        facts_known_on=facts_known_on,
        file_reference=next_file_reference(today.year),
    )
    engine.start("reclaim", reclaim, actor)
    logger.info("Reclaim %s opened by %s", reclaim.file_reference, actor.id)
    return reclaim


def reclaims_of(notice: FundingNotice) -> list[Reclaim]:
    """Return the notice's reclaims, oldest first."""
    return list(
        db.session.scalars(select(Reclaim).filter_by(notice_id=notice.id).order_by(Reclaim.id))
    )
