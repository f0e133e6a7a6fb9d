"""Guards and effects of a notice's service, its action period and an action filed against it.

Both notice workflows (funding_notice, rejection_notice) declare them; they work on any
subject with the `ServiceRecord` columns and a `municipality`. The effects that start a
period are case effects: they return the case's due date, which the engine writes in its
compare-and-set, so that the timer fires `become_final` when the period really ends.
"""

import logging
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..engine import effect, guard
from ..formats import format_date
from . import service
from .consent import current_consent

logger = logging.getLogger(__name__)
# How far ahead a posting day may be entered (a notice is posted soon after it is signed).
POSTING_DAYS_AHEAD = 14
OUTCOME_OF_TRIGGER = {
    "action_dismissed": "dismissed",
    "action_withdrawn": "withdrawn",
    "annul": "annulled",
}


def _today(ctx) -> date:
    return service.berlin_day(ctx.now)


def _posted_on(ctx) -> date:
    return ctx.inputs.get("posted_on") or _today(ctx)


@guard(
    "posting_day_valid",
    lambda ctx: _(
        "Der Tag der Aufgabe zur Post darf nicht vor dem heutigen Tag und höchstens "
        "%(days)s Tage danach liegen (frühestens %(first)s, spätestens %(last)s).",
        days=POSTING_DAYS_AHEAD,
        first=format_date(_today(ctx)),
        last=format_date(_today(ctx) + timedelta(days=POSTING_DAYS_AHEAD)),
    ),
)
def posting_day_valid(ctx) -> bool:
    """The posting day is today or soon after: the period is computed from it."""
    return _today(ctx) <= _posted_on(ctx) <= _today(ctx) + timedelta(days=POSTING_DAYS_AHEAD)


@guard(
    "electronic_service_consented",
    _l(
        "Die Kommune hat nicht eingewilligt, Bescheide elektronisch zum Abruf zu erhalten "
        "(§ 41 Abs. 2a VwVfG). Bitte versenden Sie den Bescheid per Post."
    ),
)
def electronic_service_consented(ctx) -> bool:
    """The city consented to notices provided for retrieval (§ 41 (2a) S. 1 VwVfG)."""
    return current_consent(ctx.subject.municipality_id) is not None


@guard(
    "action_dates_valid",
    _l(
        "Das Datum darf nicht in der Zukunft liegen, und eine Entscheidung nicht vor dem "
        "Tag, an dem die Klage erhoben wurde."
    ),
)
def action_dates_valid(ctx) -> bool:
    """Filing and decision days are not in the future; a decision follows the filing."""
    filed = ctx.inputs.get("action_filed_on") or ctx.subject.action_filed_on
    decided = ctx.inputs.get("decided_on")
    if filed is None:  # asked before the form is filled: the required input is checked apart
        return True
    if filed > _today(ctx):
        return False
    return decided is None or filed <= decided <= _today(ctx)


@effect("serve_by_post", on_case=True)
def serve_by_post(ctx) -> dict:
    """Record the posting; the case is due when the action period ends (§ 41 (2) VwVfG)."""
    due = service.serve_by_post(ctx.subject, _posted_on(ctx))
    return {"due_at": due}


@effect("provide_for_retrieval", on_case=True)
def provide_for_retrieval(ctx) -> dict:
    """Record the provision for retrieval; the case is due when the retrieval window closes."""
    return {"due_at": service.provide(ctx.subject, ctx.now)}


@effect("record_retrieval", on_case=True)
def record_retrieval(ctx) -> dict:
    """Record the city's retrieval; the case is due when the action period ends (§ 41 (2a))."""
    return {"due_at": service.retrieve(ctx.subject, ctx.now)}


@effect("record_not_retrieved")
def record_not_retrieved(ctx) -> None:
    """Not retrieved in ten days: not made known (§ 41 (2a) S. 4 VwVfG); the ministry posts it."""
    service.fail_retrieval(ctx.subject)
    logger.info("Notice %s not retrieved; to be served by post", ctx.subject.file_reference)


@effect("record_action")
def record_action(ctx) -> None:
    """Record the action filed against the notice: it does not become final meanwhile."""
    service.record_action(
        ctx.subject, ctx.inputs["action_filed_on"], ctx.inputs["court_file_number"]
    )


@effect("record_action_outcome")
def record_action_outcome(ctx) -> None:
    """Record how the action ended, from the trigger that recorded it."""
    outcome = OUTCOME_OF_TRIGGER[ctx.transition.trigger]
    service.record_outcome(ctx.subject, outcome, ctx.inputs.get("decided_on") or _today(ctx))
