"""Issuing a letter: sign it, render and seal its PDF once, store it with its hash."""

import logging
from collections.abc import Callable

from flask_babel import gettext as _

from ..engine.errors import GuardRefused
from ..files import write_new

logger = logging.getLogger(__name__)


def issue_letter(ctx, render: Callable[..., bytes]) -> None:
    """Sign `ctx.subject` by the actor and store its sealed PDF; refuse a second rendering.

    `render(notice, signer)` is one of `antrag.letters.render_*`; an unusable seal refuses
    the transition with a reason for the clerk instead of failing the request.
    """
    from ..letters import SealUnavailable

    notice = ctx.subject
    if notice.pdf_stored_name is not None:
        raise GuardRefused(
            _("Der Bescheid ist bereits erlassen und kann nicht neu erzeugt werden."),
            guard="signing_authority",
        )
    notice.issued_at = ctx.now
    notice.issued_by_id = ctx.actor.id
    notice.issued_by = ctx.actor
    try:
        pdf = render(notice, ctx.actor)
    except SealUnavailable:
        logger.exception("Notice %s not issued: the seal is unavailable", notice.file_reference)
        raise GuardRefused(
            _(
                "Der Bescheid kann nicht erlassen werden, weil das elektronische Siegel des "
                "Ministeriums nicht verfügbar ist. Bitte wenden Sie sich an den Betrieb."
            ),
            guard="signing_authority",
        ) from None
    notice.pdf_stored_name, notice.pdf_sha256 = write_new(pdf)
