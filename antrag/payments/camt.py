"""Read the treasury's confirmation file: an ISO 20022 camt.054 debit notification.

The bank (for the state treasury: its house bank or the Bundesbank) reports each executed
credit transfer as an entry (`Ntry`) with its transaction details (`TxDtls`); the
`EndToEndId` is the one our pain.001 gave, the payment order's number. Versions 001.02 to
001.08 are read alike (elements are matched by local name; `Sts` is a code or a `Cd`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from lxml import etree

MAX_BYTES = 5 * 1024 * 1024


class NotACamt054(ValueError):
    """The file is not a readable camt.054 debit notification (message says why, German)."""


@dataclass(frozen=True)
class Booking:
    """One executed transfer of the file: what it refers to, how much, when, booked or not."""

    line: int
    end_to_end_id: str | None
    amount: Decimal | None
    currency: str | None
    value_date: date | None
    debit: bool
    booked: bool


def _children(element, *path):
    """Return the descendants along `path` of local names (namespace-agnostic)."""
    nodes = [element]
    for name in path:
        nodes = [
            c
            for n in nodes
            for c in n
            if isinstance(c.tag, str) and etree.QName(c).localname == name  # elements only
        ]
    return nodes


def _text(element, *path) -> str | None:
    found = _children(element, *path)
    return (found[0].text or "").strip() if found else None


def _amount(element, *path) -> tuple[Decimal | None, str | None]:
    found = _children(element, *path)
    if not found:
        return None, None
    try:
        return Decimal((found[0].text or "").strip()), found[0].get("Ccy")
    except InvalidOperation:
        return None, found[0].get("Ccy")


def _date(element) -> date | None:
    text = _text(element, "ValDt", "Dt") or (_text(element, "ValDt", "DtTm") or "")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _status(entry) -> str | None:
    return _text(entry, "Sts", "Cd") or _text(entry, "Sts")


def parse(data: bytes) -> list[Booking]:
    """Return the bookings of a camt.054 file; raise NotACamt054 if it cannot be read."""
    if len(data) > MAX_BYTES:
        raise NotACamt054(_("Die Datei ist größer als 5 MB."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise NotACamt054(_("Die Datei ist kein lesbares XML.")) from None
    namespace = etree.QName(root).namespace or ""
    notifications = _children(root, "BkToCstmrDbtCdtNtfctn", "Ntfctn")
    if etree.QName(root).localname != "Document" or "camt.054" not in namespace:
        raise NotACamt054(_("Die Datei ist keine camt.054-Buchungsbenachrichtigung (ISO 20022)."))
    bookings = []
    for entry in (e for n in notifications for e in _children(n, "Ntry")):
        entry_amount, entry_currency = _amount(entry, "Amt")
        entry_debit = _text(entry, "CdtDbtInd") == "DBIT"
        booked = _status(entry) == "BOOK"
        details = _children(entry, "NtryDtls", "TxDtls")
        for tx in details or [entry]:
            amount, currency = _amount(tx, "Amt")
            if amount is None:
                amount, currency = _amount(tx, "AmtDtls", "TxAmt", "Amt")
            if amount is None and len(details) <= 1:
                amount, currency = entry_amount, entry_currency
            indicator = _text(tx, "CdtDbtInd")
            bookings.append(
                Booking(
                    line=tx.sourceline or 0,
                    end_to_end_id=_text(tx, "Refs", "EndToEndId"),
                    amount=amount,
                    currency=currency,
                    value_date=_date(entry),
                    debit=(indicator == "DBIT") if indicator else entry_debit,
                    booked=booked,
                )
            )
    return bookings
