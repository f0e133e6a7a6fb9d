"""Guards and effects of the meeting registration workflow."""

from flask_babel import gettext as _

from ..engine import effect, guard
from .models import CONFIRMED


def _fits(ctx) -> bool:
    """Return whether the registration's persons fit into the seats still free."""
    return ctx.subject.persons <= ctx.subject.meeting.seats_left


@guard("seats_left", lambda ctx: _("Für diese Anzahl von Personen sind keine Plätze mehr frei."))
def seats_left(ctx) -> bool:
    """The meeting has enough free seats for all persons of the registration."""
    return _fits(ctx)


@guard("meeting_full", lambda ctx: _("Es sind noch Plätze frei; die Warteliste ist nicht nötig."))
def meeting_full(ctx) -> bool:
    """The meeting has too few free seats for the registration (it goes on the waiting list)."""
    return not _fits(ctx)


@guard(
    "meeting_upcoming",
    lambda ctx: _(
        "Das Netzwerktreffen hat bereits begonnen; eine Abmeldung ist nicht mehr möglich."
    ),
)
def meeting_upcoming(ctx) -> bool:
    """The meeting has not started yet."""
    return ctx.subject.meeting.is_upcoming(ctx.now)


@effect("move_up_waiting")
def move_up_waiting(ctx) -> None:
    """After a confirmed registration is cancelled, confirm the waiting ones that now fit."""
    from .operations import move_up

    if CONFIRMED in ctx.transition.sources:
        move_up(ctx.subject.meeting, ctx.now)
