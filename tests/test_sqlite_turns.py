"""SQLite: write transactions take turns through a lock file (`antrag.sqlite_turns`)."""

import fcntl
import os
import sqlite3
import threading
import time

import pytest
from databases import on_postgres
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from antrag.extensions import db
from antrag.sqlite_turns import TurnTakingConnection

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's write lock only")


def turn_taken(path: str) -> bool:
    """Return whether some connection holds the writers' turn of the database at `path`."""
    fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def connect(path) -> TurnTakingConnection:
    return sqlite3.connect(path, factory=TurnTakingConnection, isolation_level=None)


def test_the_app_connects_with_turns_and_its_pragmas(app):
    """The connection factory changes nothing of WAL, foreign keys and the busy timeout."""
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, TurnTakingConnection)
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_write_request_holds_the_turn_until_its_transaction_ends(app, end):
    path = db.engine.url.database
    with app.test_request_context("/", method="POST"):
        assert not turn_taken(path)
        db.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE, after the turn
        assert turn_taken(path)
        getattr(db.session, end)()
        assert not turn_taken(path)


def test_a_read_request_takes_no_turn(app):
    with app.test_request_context("/", method="GET"):
        db.session.execute(text("SELECT 1"))
        assert not turn_taken(path := db.engine.url.database)
        db.session.rollback()
    assert not turn_taken(path)


def test_a_writer_waits_for_the_turn_and_starts_when_it_is_released(tmp_path):
    path = str(tmp_path / "turns.db")
    first, second = connect(path), connect(path)
    first.take_turn(path, timeout=5)
    first.execute("BEGIN IMMEDIATE")
    started = threading.Event()

    def wait_for_turn():
        second.take_turn(path, timeout=5)
        started.set()

    waiter = threading.Thread(target=wait_for_turn)
    waiter.start()
    assert not started.wait(0.2)  # still the first one's turn
    first.commit()
    assert started.wait(2)
    waiter.join()
    assert second._has_turn and not first._has_turn
    second.rollback()
    assert not turn_taken(path)
    first.close()
    second.close()


def test_closing_a_connection_ends_its_turn(tmp_path):
    path = str(tmp_path / "turns.db")
    connection = connect(path)
    connection.take_turn(path, timeout=1)
    assert turn_taken(path)
    connection.close()
    assert not turn_taken(path)


def test_a_writer_that_waits_too_long_goes_on_to_sqlites_own_lock(tmp_path):
    path = str(tmp_path / "turns.db")
    first, second = connect(path), connect(path)
    first.take_turn(path, timeout=1)
    waited = time.monotonic()
    done = threading.Event()

    def late():
        second.take_turn(path, timeout=0.1)
        done.set()

    thread = threading.Thread(target=late)
    thread.start()
    assert done.wait(2)
    thread.join()
    assert time.monotonic() - waited >= 0.1
    assert not second._has_turn  # without a turn; SQLite's busy timeout decides
    first.rollback()
    first.close()
    second.close()


def test_a_thread_that_holds_a_turn_does_not_wait_for_itself(tmp_path):
    """A second connection of the same thread would otherwise wait for its own first one."""
    path = str(tmp_path / "turns.db")
    first, second = connect(path), connect(path)
    first.take_turn(path, timeout=5)
    waited = time.monotonic()
    second.take_turn(path, timeout=5)
    assert time.monotonic() - waited < 1
    assert not second._has_turn
    first.rollback()
    second.rollback()
    assert not turn_taken(path)
    first.close()
    second.close()


def test_a_failed_begin_ends_the_turn(app):
    """BEGIN IMMEDIATE that fails (SQLite's lock held by a writer without turns) lets go."""
    path = db.engine.url.database
    outsider = sqlite3.connect(path, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    try:
        with app.test_request_context("/", method="POST"), db.engine.connect() as connection:
            connection.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")
            with pytest.raises(OperationalError, match="locked"):
                connection.execute(text("SELECT 1"))
            assert not turn_taken(path)
    finally:
        outsider.rollback()
        outsider.close()
