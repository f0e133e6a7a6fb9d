"""Guards and effects of the amendment notice (Änderungsbescheid).

What may change: the funding period may be extended (the proof of use falls due six months
after the new end), the amount may be lowered, but not below what the city has called off
(a partial revocation before payment, § 49 (2) Nr. 1 and (3) VwVfG, reserved in the notice
and in ANBest-K), and a condition may be added (Auflage, § 36 (2) Nr. 4 VwVfG). The change
takes effect with the amendment's Bekanntgabe (§ 43 (1) VwVfG): the timer fires
`take_effect` on the day the amendment is made known, and only then the funding notice
changes (`applying.apply`).
"""

import logging
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..engine import effect, guard
from ..engine.calendar import BERLIN
from ..formats import format_date, format_money
from ..funding.rules import called_off
from ..notices import service
from ..notices.issuing import issue_letter
from . import applying

logger = logging.getLogger(__name__)
# States of a funding notice in force that an amendment may change.
IN_FORCE_STATES = ("issued", "final")


def start_of_day(day) -> datetime:
    """Return the first moment of `day` in Europe/Berlin (when a notice made known that day takes effect)."""
    return datetime.combine(day, time(0, 0), tzinfo=BERLIN)


def _notice_refusal(ctx) -> str:
    notice = ctx.subject.notice
    if notice.case.state not in IN_FORCE_STATES:
        return _(
            "Der Förderbescheid %(reference)s ist nicht in Kraft (Status: erlassen oder "
            "bestandskräftig, ohne anhängige Klage und nicht abgeschlossen); er kann nicht "
            "geändert werden.",
            reference=notice.file_reference,
        )
    return _(
        "Der Förderbescheid %(reference)s läuft noch nach einer älteren Verfahrensversion ohne "
        "Änderungsbescheide. Bitte lassen Sie ihn auf die aktuelle Version umstellen "
        "(flask workflows migrate funding_notice).",
        reference=notice.file_reference,
    )


@guard("notice_in_force", _notice_refusal)
def notice_in_force(ctx) -> bool:
    """The funding notice is issued or final (not contested, closed or annulled) and amendable."""
    notice = ctx.subject.notice
    return notice.case.state in IN_FORCE_STATES and applying.amend_trigger(notice) is not None


@guard(
    "extension_later",
    lambda ctx: _(
        "Das neue Ende des Bewilligungszeitraums muss nach dem bisherigen Ende (%(end)s) liegen.",
        end=format_date(ctx.subject.notice.period_end),
    ),
)
def extension_later(ctx) -> bool:
    """An extension moves the end of the funding period later."""
    new_end = ctx.subject.new_period_end
    return new_end is None or new_end > ctx.subject.notice.period_end


@guard(
    "reduction_lower",
    lambda ctx: _(
        "Der neue Betrag muss unter dem bewilligten Betrag (%(amount)s) liegen. Eine Erhöhung "
        "ist ein neuer Zuwendungsbescheid, kein Änderungsbescheid.",
        amount=format_money(ctx.subject.notice.amount),
    ),
)
def reduction_lower(ctx) -> bool:
    """A reduction lowers the amount (an increase would be a new grant)."""
    new_amount = ctx.subject.new_amount
    return new_amount is None or new_amount < ctx.subject.notice.amount


@guard(
    "reduction_covers_call_offs",
    lambda ctx: _(
        "Der neue Betrag darf nicht unter dem liegen, was die Kommune bereits abgerufen hat "
        "oder was ihr ausgezahlt wurde (%(called)s). Ausgezahlte Mittel fordert das "
        "Ministerium im Rückforderungsverfahren zurück.",
        called=format_money(called_off(ctx.subject.notice)),
    ),
)
def reduction_covers_call_offs(ctx) -> bool:
    """The reduced amount still covers every call-off that counts (requested to paid)."""
    new_amount = ctx.subject.new_amount
    return new_amount is None or new_amount >= called_off(ctx.subject.notice)


@guard(
    "amendment_reasons_given",
    _l(
        "Ein Änderungsbescheid braucht eine Begründung (§ 39 VwVfG). Bitte tragen Sie die "
        "wesentlichen Gründe der Änderung ein."
    ),
)
def amendment_reasons_given(ctx) -> bool:
    """The amendment states its reasons (§ 39 (1) VwVfG)."""
    return bool((ctx.subject.reasons or "").strip())


@effect("serve_amendment_by_post", on_case=True)
def serve_amendment_by_post(ctx) -> dict:
    """Record the posting; the case is due the day the amendment is made known (§ 41 (2))."""
    posted_on = ctx.inputs.get("posted_on") or service.berlin_day(ctx.now)
    service.serve_by_post(ctx.subject, posted_on)
    return {"due_at": start_of_day(ctx.subject.made_known_on)}


@effect("record_amendment_retrieval", on_case=True)
def record_amendment_retrieval(ctx) -> dict:
    """Record the city's retrieval; the case is due the day after, when it is made known."""
    service.retrieve(ctx.subject, ctx.now)
    return {"due_at": start_of_day(ctx.subject.made_known_on)}


@effect("start_amendment_action_period", on_case=True)
def start_amendment_action_period(ctx) -> dict:
    """The amendment is in effect; the case is due when its action period ends."""
    return {"due_at": service.end_of_day(ctx.subject.action_period_ends_on)}


@effect("lock_amended_notice")
def lock_amended_notice(ctx) -> None:
    """Lock the funding notice's row and check the reduction again under the lock."""
    applying.lock_and_check(ctx.subject)


@effect("render_amendment_notice", letter=True)
def render_amendment_notice(ctx) -> None:
    """Seal the amendment notice, render its PDF once and store it with its hash."""
    from ..letters import render_amendment_notice as render

    issue_letter(ctx, render)


@effect("apply_amendment")
def apply_amendment(ctx) -> None:
    """Change the funding notice now that the amendment is made known (§ 43 (1) VwVfG)."""
    applying.apply(ctx.subject, ctx.now)
    logger.info(
        "Amendment %s applied to notice %s",
        ctx.subject.file_reference,
        ctx.subject.notice.file_reference,
    )


@effect("keep_due_date", on_case=True)
def keep_due_date(ctx) -> dict:
    """Keep the case's due date (a self-transition must not end a running period)."""
    return {"due_at": ctx.case.due_at}
