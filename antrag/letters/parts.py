"""Parts every notice shares: addressee, information block, opening and signature block.

Fields that other parts of issue 12 add (the municipality's head title, the signer's
function, unit and phone) are read with `getattr` and a fallback, so a letter renders with
whatever the records hold.
"""

from datetime import datetime

from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..formats import typeset_house_numbers
from .layout import LINE, SENDER_ADDRESS
from .text import german_date, one_line

REPRESENTED = "vertreten durch"
DRAFT_NOTE = "ENTWURF – nicht erlassen, nicht gesiegelt, nicht bekanntgegeben"


def represented_by(notice) -> str:
    """Return "vertreten durch den Oberbürgermeister" for the notice's addressee."""
    head = one_line(getattr(notice, "addressee_head", None))
    if head.casefold().startswith(REPRESENTED):
        return head
    title = one_line(getattr(getattr(notice, "municipality", None), "head_title", None))
    if title:
        article = "die" if title.endswith("in") else "den"
        return f"{REPRESENTED} {article} {title}"
    return f"{REPRESENTED} {head}" if head else ""


def addressee_line(notice) -> str:
    """Return the addressee as legal person: "Stadt Speyer, vertreten durch den …"."""
    name = one_line(notice.addressee_name)
    represented = represented_by(notice)
    return f"{name}, {represented}" if represented else name


def address_lines(notice) -> list[str]:
    """Return the window lines: legal person, its representation, the postal address."""
    lines = [notice.addressee_name, represented_by(notice)]
    # The address stored with the notice is printed as typed, but for the "bis" dash.
    address = typeset_house_numbers(notice.addressee_address) or ""
    lines += address.replace(",", "\n").split("\n")
    seen, result = set(), []
    for line in lines:
        line = one_line(line)
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            result.append(line)
    return result[:7]


def letter_day(notice) -> datetime:
    """Return the moment the letter is dated (issue time, or now for a draft)."""
    return notice.issued_at or utcnow()


def info_rows(notice, signer) -> list[tuple[str, str]]:
    """Return the information block: file reference, date, contact person and ways to reach."""
    rows = [
        ("Aktenzeichen", notice.file_reference or ""),
        ("Datum", german_date(letter_day(notice).astimezone(BERLIN).date())),
    ]
    if signer is not None:
        rows.append(("Ansprechperson", getattr(signer, "name", "") or ""))
        if getattr(signer, "phone", None):
            rows.append(("Telefon", signer.phone))
        if getattr(signer, "email", None):
            rows.append(("E-Mail", signer.email))
    rows.append(("Anschrift", ", ".join(SENDER_ADDRESS)))
    return rows


def head(pdf, notice, signer) -> None:
    """Write letterhead, address field and information block of the first page."""
    pdf.new_page()
    pdf.letterhead()
    if pdf.draft:  # the watermark is an artifact; this line tells screen readers too
        pdf.set_y(36)
        pdf.paragraph(DRAFT_NOTE, style="B")
    pdf.address_field(address_lines(notice))
    pdf.info_block(info_rows(notice, signer))
    pdf.set_y(max(pdf.get_y() + 4, 105))


def signature_lines(signer) -> list[str]:
    """Return the signature block: name, function, unit, phone and e-mail of the signer."""
    if signer is None:
        return []
    lines = [getattr(signer, "name", "") or ""]
    for key in ("function", "unit"):
        lines.append(getattr(signer, key, None) or "")
    if getattr(signer, "phone", None):
        lines.append(f"Telefon {signer.phone}")
    if getattr(signer, "email", None):
        lines.append(f"E-Mail {signer.email}")
    return [one_line(line) for line in lines if one_line(line)]


def signature(pdf, signer) -> None:
    """Write the closing and the signature block (the seal replaces the handwritten one)."""
    pdf.ensure_room(LINE * 9)
    pdf.paragraph("Mit freundlichen Grüßen", gap=2)
    pdf.paragraph("Im Auftrag", gap=2)
    for line in signature_lines(signer):
        pdf.paragraph(line)
    pdf.ln(2)
    pdf.paragraph(
        "Dieses Schreiben wurde elektronisch erstellt und mit dem elektronischen Siegel des "
        "Ministeriums versehen; es ist ohne Unterschrift gültig.",
        size=9,
    )
