"""Moved: the notice PDF is rendered by `antrag.letters` (kept for imports until merge)."""

from ..letters import amount_in_words, clean, render_funding_notice

__all__ = ["amount_in_words", "clean", "render_notice_pdf"]


def render_notice_pdf(notice, signer) -> bytes:
    """Return the sealed funding notice (see `antrag.letters.render_funding_notice`)."""
    return render_funding_notice(notice, signer)
