"""The ministry's letters as PDF documents: funding notice and rejection notice.

Each is an A4 letter (DIN 5008), archivable and accessible (PDF/A-2b, PDF/UA-1: embedded
font, tagged structure, XMP identification) and sealed with the ministry's electronic seal
(PAdES). A preview (`draft=True`) is marked "Entwurf" on every page and is not sealed.

    render_funding_notice(notice, signer, *, draft=False) -> bytes
    render_rejection_notice(notice, signer, *, draft=False) -> bytes
    render_amendment_notice(notice, signer, *, draft=False) -> bytes
"""

from . import amendment, funding, rejection
from .anbest import configured as configured_conditions
from .layout import LetterPDF
from .parts import letter_day
from .seal import SealUnavailable, current_seal, seal_pdf
from .text import amount_in_words, clean, german_date

__all__ = [
    "SealUnavailable",
    "amount_in_words",
    "clean",
    "render_amendment_notice",
    "german_date",
    "render_funding_notice",
    "render_rejection_notice",
]


def _title(kind: str, notice, draft: bool) -> str:
    title = f"{kind} {notice.file_reference or ''}".strip()
    return f"Entwurf: {title}" if draft else title


def render_funding_notice(notice, signer, *, draft: bool = False, seal=None) -> bytes:
    """Return the funding notice as PDF bytes: sealed, or unsealed and marked when `draft`."""
    pdf = LetterPDF(
        title=_title(funding.TITLE, notice, draft),
        subject=f"{funding.SUBJECT} – {notice.addressee_name}",
        created_at=letter_day(notice),
        draft=draft,
    )
    funding.render(pdf, notice, signer, configured_conditions())
    data = pdf.finish()
    if draft:
        return data
    return seal_pdf(data, seal or current_seal(), reason=f"{funding.TITLE} {notice.file_reference}")


def render_rejection_notice(notice, signer, *, draft: bool = False, seal=None) -> bytes:
    """Return the rejection notice as PDF bytes: sealed, or unsealed and marked when `draft`."""
    pdf = LetterPDF(
        title=_title(rejection.TITLE, notice, draft),
        subject=f"{rejection.SUBJECT} – {notice.addressee_name}",
        created_at=letter_day(notice),
        draft=draft,
    )
    rejection.render(pdf, notice, signer)
    data = pdf.finish()
    if draft:
        return data
    return seal_pdf(
        data, seal or current_seal(), reason=f"{rejection.TITLE} {notice.file_reference}"
    )


def render_amendment_notice(notice, signer, *, draft: bool = False, seal=None) -> bytes:
    """Return the amendment notice as PDF bytes: sealed, or unsealed and marked when `draft`."""
    pdf = LetterPDF(
        title=_title(amendment.TITLE, notice, draft),
        subject=f"{amendment.SUBJECT} – {notice.addressee_name}",
        created_at=letter_day(notice),
        draft=draft,
    )
    amendment.render(pdf, notice, signer)
    data = pdf.finish()
    if draft:
        return data
    return seal_pdf(
        data, seal or current_seal(), reason=f"{amendment.TITLE} {notice.file_reference}"
    )
