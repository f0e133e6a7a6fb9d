"""Snapshots of expensive fixtures: built once per worker, copied into each test's database.

A fixture such as `world` (seven accounts, two cities, a round) or the authorization table's
objects (applications driven through the engine, notices issued as sealed PDFs) used to be
built again for every test. Built once, its database (and upload folder) is saved; the next
test that needs the same fixture in the same situation gets a copy of that database instead
and the fixture's value is loaded from it again. A test cannot tell the difference: it gets
its own database with the same rows, the same ids and the same stored files.

"The same situation" is the key of a snapshot:
- what the database held before: the migrated template, or the snapshot of an earlier
  fixture, and nothing written since (every statement the app's engine runs is watched; one
  that is not a read makes the database "dirty", and then the fixture is simply built);
- the clock: the frozen moment if a test froze it, otherwise today's date; an unfrozen
  snapshot is used for at most MAX_AGE_SECONDS, so that timestamps stay recent;
- the app's configuration (apart from the test's own folders and database).

On SQLite a copy costs a few milliseconds, so every snapshotted fixture is reused. On
PostgreSQL a copy is a `CREATE DATABASE … TEMPLATE` (about 0.2 s), so a fixture is reused
there only if building it took longer than SERVER_MIN_BUILD_SECONDS.
"""

import os
import shutil
import sqlite3
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from databases import _server_do, on_postgres
from sqlalchemy import event
from sqlalchemy.engine import make_url

from antrag.clock import _frozen
from antrag.extensions import db

MAX_AGE_SECONDS = 300
SERVER_MIN_BUILD_SECONDS = 0.4
TRACKER = "antrag_test_snapshot"
# Statements that cannot change the data; anything else marks the database dirty.
_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW")


class _Tracker:
    """What the test database holds: a snapshot key, or None once something wrote to it."""

    def __init__(self, state):
        self.state = state
        self.paused = False

    @contextmanager
    def unwatched(self):
        """Let the fixture's own statements through (its result becomes the new state)."""
        self.paused = True
        try:
            yield
        finally:
            self.paused = False

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        if self.paused or self.state is None:
            return
        if not statement.lstrip().upper().startswith(_READS):
            self.state = None


def track(app, state="template") -> None:
    """Watch the app's engine: its database starts as `state` (call before any write)."""
    tracker = _Tracker(state)
    app.extensions[TRACKER] = tracker
    event.listen(db.engine, "before_cursor_execute", tracker.statement)


def _config_key(app) -> str:
    folders = (app.config["UPLOAD_FOLDER"], app.config["SQLALCHEMY_DATABASE_URI"])
    return repr(
        sorted(
            (key, repr(value))
            for key, value in app.config.items()
            if not any(folder in repr(value) for folder in folders)
        )
    )


def _clock_key():
    frozen = _frozen.get()
    if frozen is not None:
        return ("frozen", frozen.isoformat())
    return ("today", time.strftime("%Y-%m-%d", time.gmtime()))


class Snapshots:
    """The snapshots of one test process (one xdist worker)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken = {}  # key -> (where, uploads folder, dumped value, taken at)
        self.counts = {"reused": 0, "built": 0}

    def reuse(self, app, name, build, dump, load):
        """Return the fixture `name`: loaded from its snapshot, or built (and snapshotted).

        `build()` creates the rows and commits; `dump(value)` turns its value into plain data
        (ids) and `load(data)` turns that back into the value, in the current session.
        """
        tracker = app.extensions.get(TRACKER)
        if tracker is None or tracker.state is None:
            return build()
        key = (tracker.state, name, _clock_key(), _config_key(app))
        found = self.taken.get(key)
        if found is not None and (
            key[2][0] == "frozen" or time.monotonic() - found[3] < MAX_AGE_SECONDS
        ):
            where, uploads, data, _ = found
            with tracker.unwatched():
                self._restore(app, where, uploads)
            tracker.state = key
            self.counts["reused"] += 1
            return load(data)
        self.counts["built"] += 1
        started = time.monotonic()
        with tracker.unwatched():
            value = build()
        if tracker.state is None:
            return value  # something outside the build wrote meanwhile
        if on_postgres() and time.monotonic() - started < SERVER_MIN_BUILD_SECONDS:
            # Cheaper to build than to copy on the server. The build is repeatable (same
            # rows, same ids), so a later fixture's snapshot may still start from here.
            tracker.state = key
            return value
        data = dump(value)
        with tracker.unwatched():
            where, uploads = self._take(app)
        self.taken[key] = (where, uploads, data, time.monotonic())
        tracker.state = key
        return load(data)

    def _take(self, app):
        db.session.commit()
        uploads = self.folder / f"uploads-{uuid.uuid4().hex[:8]}"
        source_uploads = Path(app.config["UPLOAD_FOLDER"])
        if source_uploads.exists():
            shutil.copytree(source_uploads, uploads)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if on_postgres():
            name = f"antrag_s_{uuid.uuid4().hex[:12]}"
            db.engine.dispose()
            _server_do(
                f'CREATE DATABASE "{name}" TEMPLATE "{make_url(uri).database}" STRATEGY FILE_COPY'
            )
            return name, uploads
        where = self.folder / f"snapshot-{uuid.uuid4().hex[:8]}.db"
        _sqlite_backup(make_url(uri).database, str(where))
        return where, uploads

    def _restore(self, app, where, uploads) -> None:
        db.session.rollback()  # keeps the session's objects, expired
        target_uploads = Path(app.config["UPLOAD_FOLDER"])
        shutil.rmtree(target_uploads, ignore_errors=True)
        if uploads.exists():
            shutil.copytree(uploads, target_uploads)
        else:
            target_uploads.mkdir(parents=True, exist_ok=True)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if on_postgres():
            name = make_url(uri).database
            db.engine.dispose()
            _server_do(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _server_do(f'CREATE DATABASE "{name}" TEMPLATE "{where}" STRATEGY FILE_COPY')
            return
        # The backup API writes a consistent copy into the live file (WAL included); the
        # engine's idle pooled connections see the new content at their next transaction.
        _sqlite_backup(str(where), make_url(uri).database)

    def close(self) -> None:
        if os.environ.get("SNAPSHOT_COUNTS"):
            print(f"\nsnapshots: {self.counts}", file=sys.stderr)
        if not on_postgres():
            return
        for where, _, _, _ in self.taken.values():
            _server_do(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')


def _sqlite_backup(source: str, target: str) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
