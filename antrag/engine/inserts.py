"""Writing linked history entries at once, with the rows that go with them (issue 14).

A transition writes its entry with one pre-built Core INSERT instead of the session's unit
of work. Rows of other tables that nothing in the transaction reads back (a transition's
mail) go with it: on PostgreSQL in the same statement, one data-modifying CTE per table, so
that they cost no round trip of their own; and a transition that runs no effects moves its
case in that statement too, writing the entry and its rows only if the case moved.
"""

import functools

from sqlalchemy import bindparam, select, union_all

from ..extensions import db
from .models import HistoryEntry

# The columns a new entry is written with; `insert_now` writes them with one pre-built
# statement instead of the session's unit of work (a transition's hot path).
_COLUMNS = tuple(column.key for column in HistoryEntry.__table__.columns if column.key != "id")
_INSERT = HistoryEntry.__table__.insert()


def insert_now(entry: HistoryEntry, rows_with: tuple = ()) -> None:
    """Write the linked `entry` at once, outside the session's unit of work.

    The entry object stays transient (nothing reads it back: it holds what was written).
    Its INSERT moves the case's chain head (the trigger), as `link` already told the case.

    `rows_with` holds (table, rows) pairs written with the entry: new rows of other tables
    that nothing in the transaction reads back (a transition's mail). On PostgreSQL they go
    in the entry's statement, one data-modifying CTE per table: one round trip for all
    (issue 14). Elsewhere each table's rows are written with one statement before it.
    """
    rows_with = tuple((table, rows) for table, rows in rows_with if rows)
    connection = db.session.connection()
    if rows_with and connection.dialect.name == "postgresql":
        params, shape = _params_and_shape(entry, rows_with)
        connection.execute(_insert_with(shape), params)
        return
    for table, rows in rows_with:
        connection.execute(_insert_into(table), rows)
    connection.execute(_INSERT, entry_values(entry))


def insert_if_moved(entry: HistoryEntry, rows_with: tuple, move, move_params: dict) -> bool:
    """Write the linked `entry` and `rows_with` only if the UPDATE `move` changes a row.

    One statement (PostgreSQL): `move` in a data-modifying CTE, the entry's and the other
    rows' INSERTs select from what it returned; nothing is written if it moved nothing.
    Return whether it moved (and so wrote) anything. The caller chose `move` so that it
    changes at most one row, the case the entry belongs to.
    """
    rows_with = tuple((table, rows) for table, rows in rows_with if rows)
    params, shape = _params_and_shape(entry, rows_with)
    written = db.session.connection().execute(_insert_with(shape, move), params | move_params)
    return written.first() is not None  # the entry's id: it was written


def _params_and_shape(entry: HistoryEntry, rows_with: tuple) -> tuple[dict, tuple]:
    """Return the named parameters of `_insert_with` and its shape."""
    params = {f"e_{key}": value for key, value in entry_values(entry).items()}
    shape = []
    for n, (table, rows) in enumerate(rows_with):
        for i, row in enumerate(rows):
            filled = _filled(table, row)
            params.update((f"w{n}_{i}_{key}", value) for key, value in filled.items())
        shape.append((table, len(rows), tuple(filled)))
    return params, tuple(shape)


@functools.cache
def _insert_into(table):
    return table.insert()


def _filled(table, row: dict) -> dict:
    """Return `row` with every other column's default, as a Core INSERT of it would write it.

    A key not given is left to the database's sequence; a column whose default the database
    or the statement computes (SQL, server default, a function of the context) must be given.
    """
    defaults = python_defaults(table)
    filled = {}
    for column in table.columns:
        if column.key in row:
            filled[column.key] = row[column.key]
        elif column.primary_key:
            continue
        elif column.key in defaults:
            call, value = defaults[column.key]
            filled[column.key] = value() if call else value
        elif column.default is not None or column.server_default is not None:
            raise ValueError(f"{table.name}.{column.key}: its default is the database's, give it")
        else:
            filled[column.key] = None
    return filled


@functools.cache
def python_defaults(table) -> dict:
    """Return column key → (callable?, value or function) of the Python-side defaults of
    `table` that need no statement: a scalar, or a function SQLAlchemy wrapped to ignore the
    statement's context (it keeps it as `__wrapped__`)."""
    defaults = {}
    for column in table.columns:
        default = column.default
        if default is None or column.primary_key:
            continue
        if default.is_scalar:
            defaults[column.key] = (False, default.arg)
        elif default.is_callable and hasattr(default.arg, "__wrapped__"):
            defaults[column.key] = (True, default.arg.__wrapped__)
    return defaults


@functools.cache
def _insert_with(shape: tuple, move=None):
    """The entry's INSERT with the rows of `shape` in CTEs, built once per shape (and move).

    `shape` holds (table, row count, column keys) per table. Every value is a named parameter:
    `e_<column>` of the entry, `w<table>_<row>_<column>` of the others. With `move` (an
    UPDATE), every INSERT selects its values from the rows the UPDATE returned.
    """
    moved = None
    if move is not None:
        moved = move.returning(move.table.c.id).cte("moved")

    def insert(table, keys, rows):
        if moved is None:
            return table.insert().values(rows)
        selects = [
            select(*(bindparam(row[key].key, type_=table.c[key].type) for key in keys)).select_from(
                moved
            )
            for row in rows
        ]
        return table.insert().from_select(
            keys, union_all(*selects) if len(selects) > 1 else selects[0]
        )

    statement = insert(
        HistoryEntry.__table__, _COLUMNS, [{key: bindparam(f"e_{key}") for key in _COLUMNS}]
    )
    if moved is not None:
        statement = statement.add_cte(moved).returning(HistoryEntry.__table__.c.id)
    for n, (table, count, keys) in enumerate(shape):
        rows = [{key: bindparam(f"w{n}_{i}_{key}") for key in keys} for i in range(count)]
        statement = statement.add_cte(insert(table, keys, rows).cte(f"w{n}"))
    return statement


def entry_values(entry: HistoryEntry) -> dict:
    """Return the column values of the linked `entry`, as its INSERT writes them."""
    return {key: getattr(entry, key) for key in _COLUMNS}
