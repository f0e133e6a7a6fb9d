"""A psycopg cursor whose `description` builds its columns only when they are read (issue 14).

psycopg builds a `Column` (its name decoded, its type looked up) for every column of a
result each time `description` is read. SQLAlchemy reads it after every statement, but once
it has cached a statement's result metadata it only checks that there is a result (not
None) and reads no column. For an API transition the application's load alone has about a
hundred columns (with its case, round, municipality, projects and attachments): building
them cost about a tenth of the request's CPU on PostgreSQL (bench/README.md, seventh round).

`LeanCursor.description` returns the same columns as a sequence that builds them from the
result it was read of, the first time one is asked for (`tests/test_pg_cursor.py` holds it
equal to psycopg's own). `_complete_config` makes it the cursor of PostgreSQL connections.
"""

from collections.abc import Sequence

import psycopg
from psycopg import Column
from psycopg.pq import ExecStatus

# The statuses of a result that has rows (psycopg returns a description for them).
_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class _Result:
    """What a `Column` reads of its cursor, fixed to one result."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, pgresult, encoding: str, adapters):
        self.pgresult, self._encoding, self.adapters = pgresult, encoding, adapters


class LazyDescription(Sequence):
    """The `Column`s of one result, built when the first is read."""

    __slots__ = ("_result", "_count", "_columns")

    def __init__(self, result: _Result, count: int):
        self._result, self._count, self._columns = result, count, None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._columns is None:
            self._columns = [Column(self._result, i) for i in range(self._count)]
        return self._columns[index]

    def __repr__(self) -> str:
        return repr(list(self))


class LeanCursor(psycopg.Cursor):
    """psycopg's cursor with a lazily built `description`."""

    @property
    def description(self) -> LazyDescription | None:
        res = self.pgresult
        if res and (res.nfields or res.status in _TUPLES):
            return LazyDescription(_Result(res, self._encoding, self.adapters), res.nfields)
        return None
