"""Moving a case: the compare-and-set UPDATE of `engine.fire` and what it draws and takes.

The compare-and-set moves the case only if it is still in the state, at the version and
with the chain head the transition was checked against; it locks the case row until
commit. In its RETURNING it draws the history seqs of the transition's entries and, on
PostgreSQL, the ids of the cases its effects start and the values they take (a file
reference's number), so that none of them costs a statement of its own (issue 14).
"""

import functools

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, event, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from . import history, rows
from .calendar import due_at
from .definitions import TransitionDef
from .errors import StaleVersion
from .models import Case
from .registry import CASE_STARTS, CASE_STARTS_NAMED, SUBJECTS, TAKES
from .workflows import workflows


def case_values(transition: TransitionDef, version: int, now, extra: dict) -> dict:
    """Return the case columns a transition sets: its due date, `extra`, state and version.

    `extra` holds further case columns set by the transition's case effects; a due date
    among them replaces the declared one (a period that runs from a recorded fact, such as
    the day a notice was made known).
    """
    due = (
        due_at(
            now,
            transition.due.amount,
            transition.due.unit,
            current_app.config.get("SERVICE_FICTION_SHIFTS_TO_WORKING_DAY", False),
        )
        if transition.due
        else None
    )
    return (
        {"due_at": due}
        | extra
        | {"state": transition.dest, "version": version + 1, "updated_at": now}
    )


def cas_params(case_id, from_state, version, chain_hash, values) -> dict:
    """Return the parameters of `cas_update`: the case as checked and `values` to write."""
    return {f"new_{key}": value for key, value in values.items()} | {
        "old_id": case_id,
        "old_state": from_state,
        "old_version": version,
        "old_chain_hash": chain_hash,
    }


def compare_and_set(
    case: Case, from_state: str, transition: TransitionDef, version: int, now, extra: dict
):
    """Move the case with `UPDATE … WHERE id AND state AND version`; refuse if it moved.

    `extra` holds further case columns set by the transition's case effects, written in
    the same statement (`case_values`).
    """
    values = case_values(transition, version, now, extra)
    # It also draws the seqs of the transition's history entry and of the first entries of
    # the cases its effects may start (RETURNING): no statement of their own, and only once
    # the case row is ours. On PostgreSQL it also draws the ids of the cases the effects
    # name and of their subjects, and takes what the effects take (a file reference's
    # number), only if the case moved.
    seqs = 1 + sum(CASE_STARTS.get(name, 0) for name in transition.effects)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        seqs -= history.ahead()  # drawn with the load already
    tables = _started_tables(transition) if dialect == "postgresql" else ()
    takes = _takes(transition) if dialect == "postgresql" else ()
    params = cas_params(case.id, from_state, version, case.chain_hash, values)
    for take in takes:
        params |= take.params(now)
    moved = (
        db.session.connection()
        .execute(_cas_statement(tuple(values), dialect, max(seqs, 0), tables, takes), params)
        .first()
    )
    if moved is None:
        raise StaleVersion(stale_message())
    ids = len(moved) - 2 * len(tables) - len(takes)
    taken = len(moved) - len(takes)
    history.drawn_ahead(moved[:ids])
    rows.drawn_ahead(tables, moved[ids:taken])
    for take, value in zip(takes, moved[taken:], strict=True):
        take.keep(now, value)
    for key, value in values.items():
        set_committed_value(case, key, value)
    note_moved(case)


def note_moved(case: Case) -> None:
    """Note that the transaction moved `case` with a compare-and-set (see `_MOVED`)."""
    db.session().info.setdefault(_MOVED, []).append(case)


# session.info key: the cases the transaction's compare-and-sets moved. The session did not
# write them (no flush), so a rolled-back savepoint would not expire them as it expires what
# it flushed: `_expire_moved_cases` does.
_MOVED = "engine_moved_cases"


@event.listens_for(Session, "after_soft_rollback")
def _expire_moved_cases(session, previous_transaction):
    """After a rollback, read the moved cases again: the database has them as they were.

    (A case moved in an enclosing transaction that stays is read again as it is.)"""
    for case in session.info.get(_MOVED, ()):
        if case in session:
            session.expire(case)


@event.listens_for(Session, "after_transaction_end")
def _forget_moved_cases(session, transaction):
    if transaction.parent is None:
        session.info.pop(_MOVED, None)


def _started_tables(transition: TransitionDef) -> tuple:
    """Return the subject tables of the cases the transition's effects name (CASE_STARTS_NAMED)."""
    return tuple(
        SUBJECTS[workflows().current(name).subject].__table__
        for effect in transition.effects
        for name in CASE_STARTS_NAMED.get(effect, ())
    )


def _takes(transition: TransitionDef) -> tuple:
    """Return what the transition's effects take in its compare-and-set (TAKES)."""
    return tuple(TAKES[name] for name in transition.effects if name in TAKES)


@functools.cache
def _cas_statement(columns: tuple, dialect: str, seqs: int, tables: tuple = (), takes=()):
    """Return the compare-and-set UPDATE that writes `columns` and draws `seqs` history seqs.

    It also draws a case id and a subject id for each of `tables` (`rows.id_draw`), and with
    `takes` it is a WITH whose UPDATEs take their values only if the case moved (the EXISTS
    waits for it). Built once per column set, count, tables and takes; `dialect` keys the
    cache: what draws the history seqs differs per database.
    """
    draws = (*history.seq_draw(seqs), *rows.id_draw(tables))
    moving = cas_update(columns)
    if not takes:
        return moving.returning(*draws)
    moved = moving.returning(*(d.label(f"draw_{i}") for i, d in enumerate(draws))).cte("moved")
    taken = [
        take.statement().where(exists().select_from(moved)).cte(f"taken_{i}")
        for i, take in enumerate(takes)
    ]
    return select(*moved.c, *(select(*t.c).scalar_subquery() for t in taken))


@functools.cache
def cas_update(columns: tuple):
    """Return the compare-and-set UPDATE of the case that writes `columns`, built once."""
    table = Case.__table__
    return (
        update(table)
        .where(
            table.c.id == bindparam("old_id"),
            table.c.state == bindparam("old_state"),
            table.c.version == bindparam("old_version"),
            table.c.chain_hash.is_not_distinct_from(bindparam("old_chain_hash")),
        )
        .values({column: bindparam(f"new_{column}") for column in columns})
    )


def stale_message() -> str:
    return _(
        "Der Vorgang wurde inzwischen von jemand anderem geändert. "
        "Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand."
    )
