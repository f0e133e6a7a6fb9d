"""Reads before the write lock: on SQLite, a write request's reads need not hold it.

Write requests begin IMMEDIATE (see `antrag._sqlite_begin`): the database's only write lock
is held from the request's first statement to its commit, so two workers never overlap,
even while one of them only looks up a token or loads the object it will change. Inside
`read_phase()` statements run without the lock, each on its own (the driver's autocommit);
the first statement after it sends BEGIN IMMEDIATE first, in the same session transaction
(no commit in between, which would hand the connection back to the pool and take it again).
Whatever is read there must be re-checked under the lock by what writes —
the engine's compare-and-set on the case's version and chain head does that for a
transition, as it does on PostgreSQL, where these reads never lock anything either.

Anything but SQLite, or a session that already holds the write lock (it wrote, e.g. an
idempotency key), runs the block unchanged.
"""

from contextlib import contextmanager

from flask import g, has_app_context

from .extensions import db


@contextmanager
def read_phase():
    """Run the block's reads without SQLite's write lock (each on its own)."""
    session = db.session()
    if not sqlite() or holds_write_lock(session):
        yield
        return
    g.sqlite_read_phase = True
    try:
        yield
    finally:
        g.sqlite_read_phase = False


def sqlite() -> bool:
    """Return whether the app's database is SQLite (where the write lock is global)."""
    return db.engine.dialect.name == "sqlite"


def commit_keeping_rows() -> None:
    """Commit without expiring the loaded rows (what was just written is what they hold)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def in_read_phase() -> bool:
    """Return whether the current request runs a read phase (see `_sqlite_begin`)."""
    return has_app_context() and g.get("sqlite_read_phase", False)


def holds_write_lock(session) -> bool:
    """Return whether the session's SQLite transaction holds the write lock (began by writing)."""
    if not session.in_transaction():
        return False
    return session.connection().connection.dbapi_connection.in_transaction
