"""The treasury's files of a day's payment orders: CSV and ISO 20022 pain.001 (sepaxml).

The pain.001 credit transfer is built by sepaxml, which also validates it against the
schema it ships (pain.001.001.09, the version the German banks' DFÜ agreement, Anlage 3,
requires since November 2023); never by string concatenation.
"""

import csv
import io
from datetime import date, datetime, time, timedelta

from flask import current_app
from sepaxml import SepaTransfer
from sqlalchemy import select

from ..engine.calendar import BERLIN
from ..extensions import db
from .models import PaymentOrder

PAIN_SCHEMA = "pain.001.001.09"
CSV_COLUMNS = (
    "Anordnungsnummer",
    "Angeordnet am",
    "Fällig am",
    "Betrag",
    "Empfänger",
    "IBAN",
    "BIC",
    "Verwendungszweck",
    "Kapitel",
    "Titel",
    "Haushaltsjahr",
    "Aktenzeichen",
    "Status",
    "Wertstellung",
)


class DebtorNotConfigured(Exception):
    """PAYMENT_DEBTOR_NAME or PAYMENT_DEBTOR_IBAN is not set: no pain.001 can be built."""


def orders_of_day(day: date) -> list[PaymentOrder]:
    """Return the payment orders made on `day` (Berlin), in order of their number."""
    return list(
        db.session.scalars(
            select(PaymentOrder).where(PaymentOrder.ordered_on == day).order_by(PaymentOrder.number)
        )
    )


def _german_amount(order: PaymentOrder) -> str:
    return f"{order.amount:.2f}".replace(".", ",")


def orders_csv(orders: list[PaymentOrder]) -> bytes:
    """Return the orders as CSV for spreadsheet programs (semicolons, UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for o in orders:
        writer.writerow(
            [
                o.number,
                o.ordered_on.isoformat(),
                o.due_on.isoformat(),
                _german_amount(o),
                o.payee_name,
                o.iban,
                o.bic or "",
                o.purpose,
                o.budget_chapter or "",
                o.budget_title or "",
                o.budget_year,
                o.notice.file_reference,
                "bestätigt" if o.confirmed_at else "offen",
                o.value_date.isoformat() if o.value_date else "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def debtor_config() -> dict:
    """Return sepaxml's config of the paying account (the state treasury's) from the app config."""
    config = current_app.config
    name, iban = config.get("PAYMENT_DEBTOR_NAME"), config.get("PAYMENT_DEBTOR_IBAN")
    if not name or not iban:
        raise DebtorNotConfigured()
    debtor = {"name": name, "IBAN": iban, "batch": True, "currency": "EUR"}
    if config.get("PAYMENT_DEBTOR_BIC"):
        debtor["BIC"] = config["PAYMENT_DEBTOR_BIC"]
    return debtor


def orders_pain001(orders: list[PaymentOrder], created: datetime | None = None) -> bytes:
    """Return the orders as one pain.001 credit transfer, validated against its schema."""
    transfer = SepaTransfer(debtor_config(), schema=PAIN_SCHEMA, clean=True)
    for o in orders:
        payment = {
            "name": o.payee_name,
            "IBAN": o.iban,
            "amount": int(o.amount * 100),  # sepaxml takes cents as int
            "execution_date": o.due_on,
            "description": o.purpose,
            "endtoend_id": o.number,
        }
        if o.bic:
            payment["BIC"] = o.bic
        transfer.add_payment(payment)
    return transfer.export(validate=True, pretty_print=True)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC bounds of a Berlin day (for lists filtered by time)."""
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    return start, start + timedelta(days=1)
