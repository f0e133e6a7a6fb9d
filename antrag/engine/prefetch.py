"""Reads drawn with a transition's load on PostgreSQL: what its guards, effects and mail need.

Each guard, effect or mail group may declare the reads it makes (`registry.Prefetch`): a
scalar subquery correlated with the subject's row. The API's transition (`transitions_view`)
selects those of the trigger the request names beside the subject, in the statement that
loads it, and hands each value to its keeper, which notes it where its reader looks first:
one round trip instead of one per read (issue 14). SQLite reads in process and draws
nothing; a reader that finds nothing noted reads as before.

What keepers note with `note` lives until the transaction ends (commit or rollback, a
savepoint's included), so that no transaction reads what another one saw.
"""

import functools

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from .registry import PREFETCHES, RECIPIENT_PREFETCHES, Prefetch
from .workflows import workflows

_NOTED = "engine_prefetched"
_CACHE = "antrag.prefetches"
MISSING = object()


def for_trigger(model, workflow: str, trigger: str) -> tuple[Prefetch, ...]:
    """Return the reads that a transition named `trigger` of `workflow` on a `model` makes.

    Those of every loaded version of the workflow (the version a case runs on is known only
    once it is loaded; a read drawn and not needed costs the database a subquery), the ones
    that apply to `model` only, in a stable order; worked out once per app and trigger.
    """
    wset = workflows()
    cache = wset.memo.setdefault(_CACHE, {})
    key = (model, workflow, trigger)
    if key not in cache:
        found = _declared(wset, model, workflow, trigger)
        if found is None:  # no such trigger: not cached, as a request may name anything
            return ()
        cache[key] = found
    return cache[key]


def _declared(wset, model, workflow: str, trigger: str) -> tuple[Prefetch, ...] | None:
    transitions = [
        t for d in wset.all() if d.name == workflow for t in d.transitions if t.trigger == trigger
    ]
    if not transitions:
        return None
    groups = getattr(model, "MAIL_GROUPS", ())
    reads: dict[str, Prefetch] = {}
    for t in transitions:
        for name in (*t.guards, *t.effects):
            reads.update((p.name, p) for p in PREFETCHES.get(name, ()))
        for mail in t.notify:
            if mail.to in groups and mail.to in RECIPIENT_PREFETCHES:
                p = RECIPIENT_PREFETCHES[mail.to]
                reads[p.name] = p
    return tuple(p for _name, p in sorted(reads.items()) if columns(model, (p,)))


@functools.cache
def columns(model, reads: tuple[Prefetch, ...]) -> tuple:
    """Return the labelled columns that draw `reads` for `model`, built once per model and
    reads (the load's statement is cached by them); a read that does not apply is left out."""
    found = ((p, p.column(model)) for p in reads)
    return tuple(column.label(f"prefetch_{p.name}") for p, column in found if column is not None)


def keep(subject, reads: tuple[Prefetch, ...], values) -> None:
    """Hand each value the load drew (`columns`, in order) to its read's keeper."""
    for p, value in zip(reads, values, strict=True):
        p.keep(subject, value)


def note(key: tuple, value) -> None:
    """Note a prefetched value under `key` for this transaction."""
    db.session().info.setdefault(_NOTED, {})[key] = value


def noted(key: tuple, *, take: bool = False):
    """Return the value noted under `key` in this transaction, or MISSING; `take` forgets it."""
    found = db.session().info.get(_NOTED)
    if not found:
        return MISSING
    return found.pop(key, MISSING) if take else found.get(key, MISSING)


def forget(kind: str, session=None) -> None:
    """Forget every value noted under a key that starts with `kind` (it may have changed)."""
    found = (session or db.session()).info.get(_NOTED)
    if found:
        for key in [k for k in found if k[0] == kind]:
            del found[key]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_noted(session, *args):
    session.info.pop(_NOTED, None)


__all__ = ["MISSING", "Prefetch", "columns", "for_trigger", "forget", "keep", "note", "noted"]
