"""The rows a case start writes: the case and its subject, with Core INSERTs (issue 14).

Starting a case is on the hot path of an approval (the drafted notice). The session's unit
of work costs more than the two INSERTs themselves, so `engine.start` writes both rows with
one INSERT each and then hands the objects to the session as if its flush had written
them: persistent, their columns loaded (nothing is read back), and expunged again if the
transaction or savepoint they were written in rolls back. A subject the unit of work must
write itself (related objects set on it, database-side defaults, other pending changes in
the session) is left to a flush, as before.

On PostgreSQL every statement is a round trip. A transition whose effect names the workflow
it starts (`@effect(..., starts=("funding_notice",))`) draws the ids of the new case and
its subject in its compare-and-set; `engine.start` then knows every value and hash before
writing anything, and writes the case, the subject, its search document and its first
history entry in one statement with data-modifying CTEs (`insert_started`). The objects are
handed to the session the same way, just before that statement.
"""

import functools
from typing import NamedTuple

from sqlalchemy import bindparam, event, func, insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .models import Case, HistoryEntry

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


# --- a started case in one statement (PostgreSQL) ---------------------------------------

# session.info key: the ids of cases and their subjects drawn ahead by the transition's
# compare-and-set (`id_draw`), as (subject table, case id, subject id), oldest first.
_AHEAD = "engine_ids_ahead"


def id_draw(tables: tuple) -> tuple:
    """Return the columns that draw a case id and a subject id for each table of `tables`.

    PostgreSQL: they go in the RETURNING of a statement that runs anyway (the transition's
    compare-and-set); hand their values to `drawn_ahead`. An id drawn and not used is a gap.
    """
    return tuple(
        column for table in tables for column in (_next_id(Case.__table__), _next_id(table))
    )


def _next_id(table):
    key = table.primary_key.columns[0].name
    return func.nextval(func.pg_get_serial_sequence(f'"{table.name}"', key))


def drawn_ahead(tables: tuple, values) -> None:
    """Keep the ids of `values` (drawn by `id_draw(tables)`) for the cases started next."""
    if not tables:
        return
    queue = db.session().info.setdefault(_AHEAD, [])
    queue.extend((table, values[2 * i], values[2 * i + 1]) for i, table in enumerate(tables))


def ids_ahead(subject) -> tuple[int, int] | None:
    """Take the (case id, subject id) drawn ahead for a new case of `subject`, if it can use them.

    It can if one INSERT can write it (`_plain`), with every value known in Python first
    (its defaults need no statement), and its search document is a row of its own.
    """
    from ..search import indexing

    queue = db.session().info.get(_AHEAD)
    if not queue:
        return None
    mapper = inspect(subject).mapper
    index = next((i for i, drawn in enumerate(queue) if drawn[0] is mapper.local_table), None)
    if index is None or _defaults(mapper) is None:
        return None
    if not indexing.written_alone(subject) or not _plain(subject):
        return None
    _table, case_id, subject_id = queue.pop(index)
    return case_id, subject_id


def start_ahead(ids: tuple[int, int], values: dict, subject) -> Case:
    """Make the new case (`values`) and its `subject` persistent with their ids drawn ahead.

    Nothing is written yet: `insert_started` writes both with the case's first entry.
    """
    case_id, subject_id = ids
    case = Case(id=case_id, **values)
    _written(case)
    subject.case_id = case_id
    mapper = inspect(subject).mapper
    given, defaults = subject.__dict__, _defaults(mapper)
    for key, column in _columns(mapper):
        if column.primary_key:
            value = subject_id
        elif key in given:
            value = given[key]
        elif key in defaults:
            call, value = defaults[key]
            value = value() if call else value
        else:
            value = None
        set_committed_value(subject, key, value)
    _written(subject)
    set_committed_value(subject, "case", case)
    return case


def insert_started(case: Case, subject, entry: HistoryEntry) -> None:
    """Write the case, its subject, the subject's search document and `entry`: one statement.

    The INSERTs of one WITH do not see each other's rows, but the foreign keys are checked
    and the entry's trigger moves the case's chain head at the end of the statement, when
    all of them are there (the case is written without a head, as `insert_case` writes it).
    """
    from ..search import indexing
    from .inserts import entry_values

    mapper = inspect(subject).mapper
    document = indexing.new_document(subject)
    # Columns left NULL are left out (fewer values to send); the case's head among them.
    case_row = {column.key: getattr(case, key) for key, column in _columns(Case.__mapper__)}
    case_row["chain_hash"] = None
    case_row = _written_values(Case.__table__, case_row)
    subject_row = {column.key: getattr(subject, key) for key, column in _columns(mapper)}
    subject_row = _written_values(mapper.local_table, subject_row)
    params = {f"case_{key}": value for key, value in case_row.items()}
    params |= {f"subject_{key}": value for key, value in subject_row.items()}
    params |= {f"document_{key}": value for key, value in (document or {}).items()}
    params |= {f"entry_{key}": value for key, value in entry_values(entry).items()}
    statement = _started_statement(
        mapper.local_table,
        tuple(case_row),
        tuple(subject_row),
        indexing.TABLE if document else None,
    )
    db.session.connection().execute(statement, params)


def _written_values(table, row: dict) -> dict:
    """Return `row` without the NULLs the database writes anyway (no server default)."""
    return {
        key: value
        for key, value in row.items()
        if value is not None or table.c[key].server_default is not None
    }


@functools.cache
def _started_statement(table, case_keys: tuple, subject_keys: tuple, document_table):
    """Return the INSERT of an entry WITH the INSERTs of its new case, subject and document.

    Built once per subject table and the columns written.
    """

    def values(of, prefix, keys=None):
        return {
            column: bindparam(f"{prefix}_{column.key}", type_=column.type)
            for column in of.columns
            if (column.key in keys if keys is not None else not column.primary_key)
        }

    case = Case.__table__
    ctes = [
        insert(case).values(values(case, "case", case_keys)).cte("new_case"),
        insert(table).values(values(table, "subject", subject_keys)).cte("new_subject"),
    ]
    if document_table is not None:
        ctes.append(
            insert(document_table).values(values(document_table, "document")).cte("new_document")
        )
    entries = HistoryEntry.__table__
    # inline: nothing to read back, the entry's id is not needed.
    return insert(entries).values(values(entries, "entry")).inline().add_cte(*ctes)


@functools.cache
def _defaults(mapper) -> dict | None:
    """Return the Python-side defaults of the mapper's columns by attribute key
    (`inserts.python_defaults`); None if one needs a statement: only an INSERT computes it."""
    from .inserts import python_defaults

    known = python_defaults(mapper.local_table)
    defaults = {}
    for key, column in _columns(mapper):
        if column.default is None or column.primary_key:
            continue
        if column.key not in known:
            return None
        defaults[key] = known[column.key]
    return defaults


@event.listens_for(Session, "after_soft_rollback")
def _forget_ids_rolled_back(session, previous_transaction):
    """Ids drawn in a savepoint that rolled back go with the seqs drawn with them (gaps)."""
    session.info.pop(_AHEAD, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_ids(session, transaction):
    if transaction.parent is None:
        session.info.pop(_AHEAD, None)
