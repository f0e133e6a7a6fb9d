"""Helpers for the payment tests: a treasury's camt.054 debit notification built with lxml."""

from datetime import date
from decimal import Decimal

from lxml import etree

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def _sub(parent, name, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{CAMT}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def camt054(lines: list[tuple[str, Decimal | str, date]], *, status="BOOK", indicator="DBIT"):
    """Return a camt.054 file with one entry per (EndToEndId, amount, value date)."""
    root = etree.Element(f"{{{CAMT}}}Document", nsmap={None: CAMT})
    notice = _sub(_sub(root, "BkToCstmrDbtCdtNtfctn"), "Ntfctn")
    _sub(notice, "Id", "NTFCTN-1")
    for number, amount, value_date in lines:
        entry = _sub(notice, "Ntry")
        _sub(entry, "Amt", str(amount), Ccy="EUR")
        _sub(entry, "CdtDbtInd", indicator)
        _sub(_sub(entry, "Sts"), "Cd", status)
        _sub(_sub(entry, "BookgDt"), "Dt", value_date.isoformat())
        _sub(_sub(entry, "ValDt"), "Dt", value_date.isoformat())
        tx = _sub(_sub(entry, "NtryDtls"), "TxDtls")
        _sub(_sub(tx, "Refs"), "EndToEndId", number)
        _sub(tx, "Amt", str(amount), Ccy="EUR")
        _sub(tx, "CdtDbtInd", indicator)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
