"""Counting the SQL statements a piece of code sends."""

from contextlib import contextmanager

from sqlalchemy import event

from antrag.extensions import db


@contextmanager
def counted_statements():
    """Collect the SQL statements sent while the block runs."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
