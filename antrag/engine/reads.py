"""Reads of columns for guards and effects: on the session's connection, not through the ORM.

A prebuilt Core select of columns needs nothing of the ORM's execution path, which costs
about a third more CPU than the connection's (issue 14). What the session holds unflushed
is flushed first, as its autoflush would: a guard reads before its transition writes and
so usually finds nothing pending, but a caller may have changed rows before it fires, and
an effect reads after others wrote.
"""

from ..extensions import db


def columns(statement, params: dict | None = None):
    """Execute a select of columns (no entities) in the session's transaction; return the result."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
