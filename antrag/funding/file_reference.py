"""File references (Aktenzeichen) `DS-<year>-<4 digits>`: gap-free per year, unique under load.

The number is taken inside the approval's transaction: the UPDATE of the year's counter row
locks it until commit (a row lock on PostgreSQL, the write lock on SQLite), so concurrent
approvals queue up, and a rollback gives the number back.
"""

import functools

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import FileReferenceCounter

PREFIX = "DS"


def next_file_reference(year: int) -> str:
    """Take the next number of `year` in the current transaction and return the reference."""
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
