"""File references (Aktenzeichen) `DS-<year>-<4 digits>`: gap-free per year, unique under load.

The number is taken inside the approval's transaction: the UPDATE of the year's counter row
locks it until commit (a row lock on PostgreSQL, the write lock on SQLite), so concurrent
approvals queue up, and a rollback gives the number back. On PostgreSQL the approval (or
rejection) takes it in its compare-and-set (`TAKE`, one statement fewer), only if the case
moved there; the first number of a year, which has no counter row yet, is taken by the
effect as before.
"""

import functools

from sqlalchemy import bindparam, event, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..engine.calendar import BERLIN
from ..engine.registry import Take
from ..extensions import db
from .models import FileReferenceCounter

PREFIX = "DS"
# session.info key: numbers taken in a transition's compare-and-set (`TAKE`), as
# (transaction, year, number), for the effect of that transition to use.
_AHEAD = "file_reference_ahead"


def next_file_reference(year: int) -> str:
    """Take the next number of `year` in the current transaction and return the reference."""
    ahead = db.session().info.get(_AHEAD)
    for index, (_transaction, of_year, number) in enumerate(ahead or ()):
        if of_year == year:
            del ahead[index]
            return format_reference(year, number)
    for _ in range(3):
        # One statement: the new number comes back with it.
        number = db.session.connection().execute(_take_number(), {"of_year": year}).scalar()
        if number is not None:
            return format_reference(year, number)
        try:  # the first reference of the year: create its row, unless someone just did
            with db.session.begin_nested():
                db.session.add(FileReferenceCounter(year=year, last=1))
            return format_reference(year, 1)
        except IntegrityError:
            continue  # a concurrent approval inserted the row first: take the next number
    raise RuntimeError(f"could not take a file reference for {year}")


@functools.cache
def _take_number():
    """Return the UPDATE … RETURNING that takes a year's next number, built once."""
    table = FileReferenceCounter.__table__
    return (
        update(table)
        .where(table.c.year == bindparam("of_year"))
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )


def format_reference(year: int, number: int) -> str:
    """Return `DS-2019-0007`."""
    return f"{PREFIX}-{year}-{number:04d}"


def _year(now) -> int:
    return now.astimezone(BERLIN).year


def _keep(now, number: int | None) -> None:
    """Keep the number the compare-and-set took (None: the year has no counter row yet)."""
    if number is not None:
        session = db.session()
        transaction = session.get_nested_transaction() or session.get_transaction()
        session.info.setdefault(_AHEAD, []).append((transaction, _year(now), number))


# An approval (or rejection) takes its number in its compare-and-set on PostgreSQL: one
# statement fewer. The case's row lock comes first, then the counter's, as before; a
# transition that finds the case moved takes none.
TAKE = Take(statement=_take_number, params=lambda now: {"of_year": _year(now)}, keep=_keep)


@event.listens_for(Session, "after_soft_rollback")
def _give_back(session, previous_transaction):
    """A number taken in a transaction or savepoint that rolled back went back with it."""
    ahead = session.info.get(_AHEAD)
    if not ahead:
        return

    def undone(transaction):
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    ahead[:] = [taken for taken in ahead if not undone(taken[0])]


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:
        session.info.pop(_AHEAD, None)
