"""The rows a case start writes: the case and its subject, with Core INSERTs (issue 14).

Starting a case is on the hot path of an approval (the drafted notice). The session's unit
of work costs more than the two INSERTs themselves, so `engine.start` writes both rows with
one INSERT each and then hands the objects to the session as if its flush had written
them: persistent, their columns loaded (nothing is read back), and expunged again if the
transaction or savepoint they were written in rolls back. A subject the unit of work must
write itself (related objects set on it, database-side defaults, other pending changes in
the session) is left to a flush, as before.
"""

import functools
from typing import NamedTuple

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .models import Case

_CASE = Case.__table__.insert()


def insert_case(values: dict) -> Case:
    """Write a new case with `values` (every column but its id) and return it, persistent."""
    result = db.session.connection().execute(_CASE, values)
    case = Case(id=result.inserted_primary_key[0], **values)
    _written(case)
    return case


def insert_subject(subject, case: Case) -> None:
    """Write the new `subject` of `case` with one INSERT where it can; else flush it."""
    if not _plain(subject):
        subject.case = case
        db.session.add(subject)
        db.session.flush()
        return
    subject.case_id = case.id
    mapper = inspect(subject).mapper
    table = mapper.local_table
    given = subject.__dict__
    row = {column.key: given[key] for key, column in _columns(mapper) if key in given}
    result = db.session.connection().execute(_insert(table), row)
    # Every column as given, its Python-side default, or NULL: nothing is left to load.
    written = dict(result.last_inserted_params())
    written[table.primary_key.columns[0].key] = result.inserted_primary_key[0]
    for key, column in _columns(mapper):
        set_committed_value(subject, key, written.get(column.key))
    _written(subject)
    set_committed_value(subject, "case", case)
    _index(subject)


@functools.cache
def _insert(table):
    return table.insert()


@functools.cache
def _columns(mapper) -> tuple:
    """Return (attribute key, column) of every column of the mapper's table."""
    return tuple((mapper.get_property_by_column(c).key, c) for c in mapper.local_table.columns)


def _plain(subject) -> bool:
    """Return whether `subject` is only columns that one INSERT can write as a flush would."""
    state = inspect(subject)
    shape = _shape(state.mapper)
    if shape is None or not state.transient:
        return False
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return False  # what the caller left pending goes with the subject, in one flush
    given = subject.__dict__
    if any(key in given for key in shape.related):
        return False
    return shape.key not in given and all(key in given for key in shape.needed)


class _Shape(NamedTuple):
    key: str  # the primary key's attribute: the INSERT returns it
    related: tuple[str, ...]  # relationships: set on the subject, only a flush writes them
    needed: tuple[str, ...]  # columns the subject must give: the database would choose them


@functools.cache
def _shape(mapper) -> _Shape | None:
    """Return what a subject of `mapper` must look like for one INSERT, or None if it can't."""
    from ..audit.record import WATCHED  # written with its administration record by a flush

    table = mapper.local_table
    if mapper.inherits is not None or mapper.version_id_col is not None:
        return None
    if mapper.class_ in WATCHED or len(table.primary_key.columns) != 1:
        return None
    needed, key = [], None
    for attribute, column in _columns(mapper):
        default = column.default
        if column.primary_key:
            key = attribute
        elif column.server_default is not None or (
            default is not None and not (default.is_scalar or default.is_callable)
        ):
            needed.append(attribute)  # a sequence, SQL expression or server default
    related = tuple(relationship.key for relationship in mapper.relationships)
    return _Shape(key, related, tuple(needed))


def _written(obj) -> None:
    """Make the transient `obj`, whose row was just inserted, persistent in the session.

    Like an object its flush inserted, it is expunged if the innermost transaction rolls
    back (SQLAlchemy keeps those in the transaction's `_new`; there is no public call).
    """
    session = db.session()
    make_transient_to_detached(obj)
    session.add(obj)
    transaction = session.get_nested_transaction() or session.get_transaction()
    transaction._new[inspect(obj)] = True


def _index(record) -> None:
    """Write the search document of the new record, as the flush's search hook would."""
    from ..search import indexing

    indexing.index_new(db.session.connection(), record)
