"""The ministry's letters as PDF documents: funding notice and rejection notice.

Each is an A4 letter (DIN 5008), archivable and accessible (PDF/A-2b, PDF/UA-1: embedded
font, tagged structure, XMP identification) and sealed with the ministry's electronic seal
(PAdES). A preview (`draft=True`) is marked "Entwurf" on every page and is not sealed.

    render_funding_notice(notice, signer, *, draft=False) -> bytes
    render_rejection_notice(notice, signer, *, draft=False) -> bytes
    render_amendment_notice(notice, signer, *, draft=False) -> bytes
    render_reclaim_hearing(reclaim, signer) -> bytes   (the hearing letter, § 28 VwVfG)
    render_reclaim_notice(reclaim, signer, *, draft=False) -> bytes
    render_receipt(revision) -> bytes   (Eingangsbestätigung of a submission; not sealed)
"""

from ..engine.calendar import BERLIN
from . import amendment, funding, receipt, rejection
from . import reclaim as reclaim_letters
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
    "render_reclaim_hearing",
    "render_reclaim_notice",
    "render_receipt",
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


def render_reclaim_hearing(reclaim, signer, *, seal=None) -> bytes:
    """Return the hearing letter of a reclaim as sealed PDF bytes (no administrative act)."""
    pdf = LetterPDF(
        title=f"{reclaim_letters.HEARING_TITLE} {reclaim.file_reference}",
        subject=f"{reclaim_letters.SUBJECT} – {reclaim.addressee_name}",
        created_at=reclaim.hearing_sent_at or letter_day(reclaim),
        draft=False,
    )
    reclaim_letters.render_hearing(pdf, reclaim, signer)
    reason = f"{reclaim_letters.HEARING_TITLE} {reclaim.file_reference}"
    return seal_pdf(pdf.finish(), seal or current_seal(), reason=reason)


def render_reclaim_notice(reclaim, signer, *, draft: bool = False, seal=None) -> bytes:
    """Return the reclaim notice as PDF bytes, with the interest to the letter day."""
    from flask import current_app

    from ..reclaim.operations import reclaim_interest

    pdf = LetterPDF(
        title=_title(reclaim_letters.TITLE, reclaim, draft),
        subject=f"{reclaim_letters.SUBJECT} – {reclaim.addressee_name}",
        created_at=letter_day(reclaim),
        draft=draft,
    )
    day = letter_day(reclaim).astimezone(BERLIN).date()
    day_count = current_app.config.get("RECLAIM_INTEREST_DAY_COUNT", "act/365")
    reclaim_letters.render_notice(pdf, reclaim, signer, reclaim_interest(reclaim, day), day_count)
    data = pdf.finish()
    if draft:
        return data
    return seal_pdf(
        data, seal or current_seal(), reason=f"{reclaim_letters.TITLE} {reclaim.file_reference}"
    )


def render_receipt(revision) -> bytes:
    """Return the receipt of an application's revision as PDF bytes (no act: not sealed)."""
    pdf = LetterPDF(
        title=f"{receipt.TITLE} {revision.file_reference} (Fassung {revision.number})",
        subject=f"{receipt.SUBJECT} – {revision.content()['application']['municipality']['name']}",
        created_at=revision.received_at,
    )
    receipt.render(pdf, revision)
    return pdf.finish()
