"""Guards and effects of the mentoring workflow and the membership approval's mentor proposal."""

from flask_babel import lazy_gettext as _l

from ..engine import SYSTEM, effect, guard
from .operations import CANDIDATES, propose_next


@guard(
    "proposed_mentor",
    _l("Nur die vorgeschlagene Mentorin oder der vorgeschlagene Mentor darf hier handeln."),
)
def proposed_mentor(ctx) -> bool:
    """The actor is the mentor this assignment proposes."""
    return ctx.actor.role == "mentor" and ctx.actor.id == ctx.subject.mentor_id


@effect("propose_mentor", starts=1, prefetch=(CANDIDATES,))
def propose_mentor(ctx) -> None:
    """On approval, propose the most suitable mentor for the city, or flag a gap."""
    propose_next(ctx.subject, ctx.actor, ctx.now)


@effect("propose_next_mentor", starts=1)
def propose_next_mentor(ctx) -> None:
    """After a decline or a missed deadline, propose the next suitable mentor, or flag a gap."""
    propose_next(ctx.subject.application, SYSTEM, ctx.now)  # not in the decliner's name


@effect("record_kickoff")
def record_kickoff(ctx) -> None:
    """Store the kick-off date given when the mentoring starts."""
    ctx.subject.kickoff_on = ctx.inputs["kickoff_on"]


@effect("record_summary")
def record_summary(ctx) -> None:
    """Store the closing summary (the transition's required comment) on the assignment."""
    ctx.subject.summary = ctx.comment
