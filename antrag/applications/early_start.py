"""Early start (vorzeitiger Maßnahmebeginn): requested by the city, decided by the ministry.

VV Nr. 1.3 zu § 44 LHO (Verwaltungsvorschrift zum Vollzug der Landeshaushaltsordnung
Rheinland-Pfalz vom 20. Dezember 2002, MinBl. 2003 S. 22): grants for a project may only
be made for projects not yet begun; the granting authority may allow exceptions in the
individual case. The conclusion of a contract for delivery or services belonging to the
project counts as its beginning. Here a project whose planned start lies before the day of
submission (or before the notice) needs an early start, requested in the application and
approved by the ministry during the review.
"""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..engine import effect, guard
from ..engine.calendar import BERLIN
from ..formats import format_date


def today_of(ctx) -> date:
    """Return the day the transition happens, in Berlin."""
    return ctx.now.astimezone(BERLIN).date()


def projects_begun_before(application, day: date) -> list:
    """Return the projects whose planned start lies before `day`."""
    return [p for p in application.projects if p.period_start is not None and p.period_start < day]


def earliest_start(application) -> date | None:
    """Return the earliest planned start of the application's projects, if any."""
    starts = [p.period_start for p in application.projects if p.period_start is not None]
    return min(starts) if starts else None


def approved_early_start(application) -> date | None:
    """Return the day an approved early start lets the funding period begin, or None.

    That is the earliest project start; with EARLY_START_NOT_BEFORE_CONSENT (config.py) no
    earlier than the day of the ministry's consent, which does not act backwards.
    """
    if getattr(application, "early_start_approved", None) is not True:
        return None
    start = earliest_start(application)
    consent = application.early_start_decided_on
    if start is None or consent is None:
        return start
    if current_app.config.get("EARLY_START_NOT_BEFORE_CONSENT", True):
        return max(start, consent)
    return start


def _names(projects) -> str:
    return "; ".join(
        _(
            "„%(title)s“ (Beginn %(start)s)",
            title=p.title or _("ohne Titel"),
            start=format_date(p.period_start),
        )
        for p in projects
    )


@guard(
    "early_start_requested_if_begun",
    lambda ctx: _(
        "Das Projekt %(projects)s beginnt vor dem Tag der Einreichung (%(day)s). Zuwendungen "
        "gibt es nur für Vorhaben, die noch nicht begonnen haben: Bitte beantragen Sie den "
        "vorzeitigen Maßnahmebeginn mit Begründung oder verschieben Sie den Beginn.",
        projects=_names(projects_begun_before(ctx.subject, today_of(ctx))),
        day=format_date(today_of(ctx)),
    ),
)
def early_start_requested_if_begun(ctx) -> bool:
    """No project starts before today, or the city requests an early start."""
    app = ctx.subject
    return bool(app.early_start_requested) or not projects_begun_before(app, today_of(ctx))


@guard(
    "early_start_approved_if_begun",
    lambda ctx: _(
        "Das Projekt %(projects)s beginnt vor dem Förderbescheid. Dafür muss das Ministerium "
        "zuvor den vorzeitigen Maßnahmebeginn zulassen.",
        projects=_names(projects_begun_before(ctx.subject, today_of(ctx))),
    ),
)
def early_start_approved_if_begun(ctx) -> bool:
    """No project starts before the notice (today at the earliest), or an early start is approved."""
    app = ctx.subject
    return app.early_start_approved is True or not projects_begun_before(app, today_of(ctx))


@guard(
    "early_start_pending",
    _l(
        "Über einen vorzeitigen Maßnahmebeginn ist nicht zu entscheiden: "
        "Die Kommune hat ihn nicht beantragt, oder er ist bereits entschieden."
    ),
)
def early_start_pending(ctx) -> bool:
    """The city requested an early start and the ministry has not decided it yet."""
    app = ctx.subject
    return bool(app.early_start_requested) and app.early_start_decided_on is None


def _decide(ctx, approved: bool) -> None:
    ctx.subject.early_start_approved = approved
    ctx.subject.early_start_decided_on = today_of(ctx)


@effect("approve_early_start")
def approve_early_start(ctx) -> None:
    """Record that the ministry allows the early start (the history holds who and why)."""
    _decide(ctx, True)


@effect("refuse_early_start")
def refuse_early_start(ctx) -> None:
    """Record that the ministry refuses the early start."""
    _decide(ctx, False)
