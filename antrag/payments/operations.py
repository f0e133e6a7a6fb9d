"""Confirming payment orders from the treasury's camt.054 file; flushes, never commits."""

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select, update

from .. import engine
from ..engine.errors import EngineError
from ..extensions import db
from ..formats import format_money
from .camt import parse
from .models import PaymentOrder

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What an import did: confirmed order numbers, and a German line per problem."""

    confirmed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _problem(booking, message: str) -> str:
    reference = booking.end_to_end_id or _("ohne EndToEndId")
    return _("Zeile %(line)s (%(ref)s): %(msg)s", line=booking.line, ref=reference, msg=message)


def import_confirmations(user, data: bytes) -> ImportReport:
    """Confirm the orders a camt.054 file reports as executed (matched by number and amount).

    Each confirmation is the call-off's transition `confirm_payment`, in a savepoint of its
    own; an order confirmed before (by hand, an earlier import or a concurrent one) is
    reported, never booked twice: the transition's compare-and-set and the guarded UPDATE
    of the order refuse it. Raises NotACamt054 if the file cannot be read.
    """
    report = ImportReport()
    for booking in parse(data):
        if not booking.booked or not booking.debit:
            report.problems.append(
                _problem(booking, _("keine gebuchte Lastschrift auf dem Kassenkonto"))
            )
            continue
        order = db.session.scalar(
            select(PaymentOrder).where(PaymentOrder.number == (booking.end_to_end_id or ""))
        )
        if order is None:
            report.problems.append(_problem(booking, _("keine Auszahlungsanordnung dazu")))
        elif booking.amount != order.amount or booking.currency not in (None, "EUR"):
            reported = " ".join(str(part) for part in (booking.amount, booking.currency) if part)
            message = _(
                "Betrag %(paid)s weicht von der Anordnung (%(ordered)s) ab",
                paid=reported,
                ordered=format_money(order.amount),
            )
            report.problems.append(_problem(booking, message))
        elif order.confirmed_at is not None:
            report.already.append(order.number)
        elif booking.value_date is None:
            report.problems.append(_problem(booking, _("ohne Wertstellungsdatum")))
        else:
            _confirm(user, order, booking, report)
    logger.info(
        "camt.054 import by %s: %s confirmed, %s already, %s problems",
        user.id,
        len(report.confirmed),
        len(report.already),
        len(report.problems),
    )
    return report


def _confirm(user, order: PaymentOrder, booking, report: ImportReport) -> None:
    call_off = order.call_off
    try:
        with db.session.begin_nested():
            engine.fire(
                call_off.case_id,
                "confirm_payment",
                user,
                version=call_off.case.version,
                inputs={"value_date": booking.value_date},
                subject=call_off,
            )
            db.session.execute(
                update(PaymentOrder)
                .where(PaymentOrder.id == order.id)
                .values(confirmation_source="camt054")
                .execution_options(synchronize_session=False)
            )
    except EngineError as exc:
        db.session.expire_all()
        report.problems.append(_problem(booking, str(exc)))
        return
    db.session.expire(order)
    report.confirmed.append(order.number)
