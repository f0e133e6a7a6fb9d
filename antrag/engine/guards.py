"""Guards that any workflow may use, independent of its subject."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .models import HistoryEntry
from .registry import guard


def proposer_id(ctx) -> int | None:
    """Return the user who moved the case into its current state (the proposer)."""
    return db.session.scalar(
        select(HistoryEntry.actor_id)
        .where(HistoryEntry.case_id == ctx.case.id, HistoryEntry.to_state == ctx.case.state)
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    )


@guard(
    "four_eyes",
    _l(
        "Sie haben diesen Vorschlag selbst gemacht. Nach dem Vier-Augen-Prinzip entscheidet "
        "eine zweite Person aus dem Ministerium."
    ),
)
def four_eyes(ctx) -> bool:
    """Refuse when the actor is the one who made the proposal now awaiting a decision."""
    return ctx.actor.id is not None and proposer_id(ctx) != ctx.actor.id
