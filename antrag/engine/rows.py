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
    from ..audit.record import WATCHED  # written with its administration record by a flush

    session = db.session()
    state = inspect(subject)
    mapper = state.mapper
    table = mapper.local_table
    if not state.transient or mapper.inherits is not None or mapper.version_id_col is not None:
        return False
    if type(subject) in WATCHED:
        return False
    if session.new or session.dirty or session.deleted:
        return False  # what the caller left pending goes with the subject, in one flush
    if any(relationship.key in subject.__dict__ for relationship in mapper.relationships):
        return False
    if len(table.primary_key.columns) != 1:
        return False
    for key, column in _columns(mapper):
        if column.primary_key and key in subject.__dict__:
            return False  # an id given by the caller: the flush's business
        if column.primary_key or key in subject.__dict__:
            continue
        if column.server_default is not None:
            return False  # a value only the database knows: the flush fetches or expires it
        default = column.default
        if default is not None and not (default.is_scalar or default.is_callable):
            return False  # a sequence or SQL expression: the same
    return True


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
