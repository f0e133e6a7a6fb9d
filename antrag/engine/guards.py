"""Guards that any workflow may use, independent of its subject."""

import functools

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session, aliased

from ..extensions import db
from .models import Case, HistoryEntry
from .reads import columns
from .registry import Prefetch, guard

# session.info: (case id, case version) -> who moved the case into the state it had at that
# version. A case's version grows with every change, so the answer never changes once
# committed; a rollback forgets what was noted.
_MOVERS = "engine_movers"


def proposer_id(ctx) -> int | None:
    """Return the user who moved the case into its current state (the proposer)."""
    known = db.session().info.setdefault(_MOVERS, {})
    key = (ctx.case.id, ctx.case.version)
    if key not in known:
        known[key] = columns(
            _newest_mover(), {"case_id": ctx.case.id, "state": ctx.case.state}
        ).scalar()
    return known[key]


@functools.cache
def _newest_mover():
    """The actor of the case's newest entry into a state, built once (guards ask it often)."""
    return _mover(bindparam("case_id"), bindparam("state"))


def _mover(case_id, state):
    """The actor of the newest entry of case `case_id` into `state` (columns or parameters)."""
    return (
        select(HistoryEntry.actor_id)
        .where(HistoryEntry.case_id == case_id, HistoryEntry.to_state == state)
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    )


def note_mover(case, actor_id: int | None) -> None:
    """Note who just moved `case` into its state, so that the answer's guards need not ask."""
    db.session().info.setdefault(_MOVERS, {})[(case.id, case.version)] = actor_id


def _mover_column(model):
    """The proposer of the subject's case as `proposer_id` reads it, correlated with `model`."""
    case = aliased(Case)
    state = (
        select(case.state).where(case.id == model.case_id).correlate_except(case).scalar_subquery()
    )
    return _mover(model.case_id, state).scalar_subquery()


def _keep_mover(subject, actor_id) -> None:
    case = inspect(subject).dict.get("case")  # loaded with the subject, or nothing to key by
    if case is not None:
        note_mover(case, actor_id)


PROPOSER = Prefetch("proposer", _mover_column, _keep_mover)


@event.listens_for(Session, "after_soft_rollback")
def _forget_movers(session, previous_transaction):
    session.info.pop(_MOVERS, None)  # a savepoint's too: what it noted may be gone


@guard(
    "four_eyes",
    _l(
        "Sie haben diesen Vorschlag selbst gemacht. Nach dem Vier-Augen-Prinzip entscheidet "
        "eine zweite Person aus dem Ministerium."
    ),
    prefetch=(PROPOSER,),
)
def four_eyes(ctx) -> bool:
    """Refuse when the actor is the one who made the proposal now awaiting a decision."""
    return ctx.actor.id is not None and proposer_id(ctx) != ctx.actor.id
