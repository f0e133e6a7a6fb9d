"""Named locks held in the database until the transaction ends, across workers and machines.

PostgreSQL takes a transaction-level advisory lock on a 64-bit number derived from the
name. SQLite needs none: write requests and CLI commands begin IMMEDIATE and so already
hold the database's only write lock for the whole transaction.
"""

import hashlib

from sqlalchemy import func, select

from .extensions import db


def lock_name(scope: str, key: str) -> None:
    """Wait for and hold the lock named (`scope`, `key`) until commit or rollback."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(select(func.pg_advisory_xact_lock(lock_number(scope, key))))


def lock_number(scope: str, key: str) -> int:
    """Return the signed 64-bit number PostgreSQL knows the lock by."""
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
