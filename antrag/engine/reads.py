"""Reads of columns for guards and effects: on the session's connection, not through the ORM.

A prebuilt Core select of columns needs nothing of the ORM's execution path, which costs
about a third more CPU than the connection's (issue 14). What the session holds unflushed
is flushed first, as its autoflush would: a guard reads before its transition writes and
so usually finds nothing pending, but a caller may have changed rows before it fires, and
an effect reads after others wrote.
"""

import functools

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from ..extensions import db


def columns(statement, params: dict | None = None):
    """Execute a select of columns (no entities) in the session's transaction; return the result."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def attached(model, values):
    """Return the persistent `model` object of the row whose columns are `values`, in order.

    For a hot read that selects an entity's columns with Core (`table_columns`) instead of
    the entity: the ORM sets up its loading for every execution, about 40–60 µs for one
    object, more than the statement (issue 14). The object is what a query would have
    returned: the session's own copy if it holds one (its attributes as they are there, as
    a query leaves them), else a new one with every column loaded, no history, its
    relationships loaded when first used. Public calls only: `make_transient_to_detached`
    turns the filled object into a detached one with its identity, `Session.add` makes it
    persistent.
    """
    session = db.session()
    mapper = inspect(model)
    found = session.identity_map.get(identity_key(model, values[_key_position(mapper)]))
    if found is not None:
        return found
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(zip(_column_keys(mapper), values, strict=True))
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


@functools.cache
def table_columns(model) -> tuple:
    """Return the columns of `model`'s table in the order `attached` expects their values."""
    return tuple(inspect(model).local_table.columns)


@functools.cache
def _column_keys(mapper) -> tuple[str, ...]:
    return tuple(mapper.get_property_by_column(c).key for c in mapper.local_table.columns)


@functools.cache
def _key_position(mapper) -> int:
    (key,) = mapper.local_table.primary_key.columns
    return list(mapper.local_table.columns).index(key)
