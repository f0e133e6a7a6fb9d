"""SQLite's writers take turns through a lock file instead of sleeping on the busy handler.

SQLite has one write lock per database. A writer that finds it taken is put to sleep by the
busy handler in growing steps (1, 2, 5, 10, 15, 20, 25 … ms, `sqliteDefaultBusyCallback` in
SQLite's `main.c`) and only then tries again; a transition holds the lock for about a
millisecond, so a waiting worker slept far longer than the lock was held, and under load
the workers spent more time asleep than working.

A write transaction (`BEGIN IMMEDIATE`, see `antrag._sqlite_begin`) therefore first takes
its turn: an exclusive `flock` on `<database>-writers`, asked for again after 20 µs, then
after ever longer pauses up to 0.2 ms, so that a writer starts within a fraction of a
millisecond of the previous one's commit (a blocking `flock` cannot give up after a time-out,
and a thread that waits for another one of its process would then wait for ever). The turn ends with the transaction (commit,
rollback or closing the connection). SQLite's own lock stays what guarantees exclusion;
the turn only orders those who wait. Writers that do not take turns (a GET request that
writes, a `sqlite3` shell) still meet the busy timeout as before. A thread that already
holds a turn on another connection does not wait for a second one (it would wait for
itself): it goes straight to SQLite's lock, as before. A writer that has not had its turn
after the busy timeout goes to SQLite's lock too, which answers as it always did.
"""

import fcntl
import os
import sqlite3
import threading
import time

FIRST_PAUSE = 0.00002  # seconds
LONGEST_PAUSE = 0.0002
_held: dict[int, int] = {}  # thread id -> how many turns it holds (on any connection)


class TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns with other processes'."""

    _turn_file: int | None = None
    _has_turn = False
    _taker = 0  # the thread that took the turn (another one may end it)
    # A write transaction that began in a read phase: BEGIN IMMEDIATE is still to be sent
    # (see `antrag._sqlite_begin`); whatever ends the transaction ends that too.
    begin_later = False

    def take_turn(self, database: str, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until no other connection holds the turn."""
        thread = threading.get_ident()
        if self._has_turn or _held.get(thread):
            return
        if self._turn_file is None:
            self._turn_file = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self._turn_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy timeout decides from here, as without turns
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            self._has_turn, self._taker = True, thread
            _held[thread] = _held.get(thread, 0) + 1
            return

    def end_turn(self) -> None:
        """Let the next writer have its turn (nothing if this connection has none)."""
        self.begin_later = False
        if self._has_turn:
            self._has_turn = False
            left = _held.pop(self._taker, 1) - 1
            if left:
                _held[self._taker] = left
            fcntl.flock(self._turn_file, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()
            if self._turn_file is not None:
                os.close(self._turn_file)
                self._turn_file = None
