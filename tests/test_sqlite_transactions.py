"""SQLite: write requests and commands take the write lock at BEGIN; reads never hold it."""

import sqlite3

import click
import pytest
from databases import on_postgres
from sqlalchemy import text

from antrag.extensions import db
from antrag.read_phase import read_phase

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's locking only")


def other_writer_blocked(app) -> bool:
    """Return whether a second connection cannot take the write lock right now."""
    path = db.engine.url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_a_write_request_holds_the_write_lock_from_its_first_statement(app, method):
    with app.test_request_context("/", method=method):
        db.session.execute(text("SELECT 1"))  # a read first, as every view does
        assert other_writer_blocked(app)
        db.session.rollback()
        assert not other_writer_blocked(app)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_read_request_never_holds_the_write_lock(app, method):
    with app.test_request_context("/", method=method):
        db.session.execute(text("SELECT 1"))
        assert not other_writer_blocked(app)
        db.session.rollback()


def test_a_cli_command_writes_with_the_write_lock(app):
    with click.Context(click.Command("tick")):
        db.session.execute(text("SELECT 1"))
        assert other_writer_blocked(app)
        db.session.rollback()


def test_a_write_after_a_read_in_a_read_request_still_commits(app, world):
    """The driver begins the transaction at the first write (e.g. an API token's last use)."""
    with app.test_request_context("/", method="GET"):
        db.session.execute(text("SELECT count(*) FROM user"))
        db.session.execute(text("UPDATE user SET name = 'Neu' WHERE id = :id"), {"id": 1})
        assert other_writer_blocked(app)
        db.session.commit()
    assert db.session.scalar(text("SELECT name FROM user WHERE id = 1")) == "Neu"


def test_a_read_phase_holds_nothing_and_the_next_statement_begins_immediate(app):
    """The same session transaction goes on after the read phase: no commit, no new checkout."""
    with app.test_request_context("/", method="POST"):
        with read_phase():
            db.session.execute(text("SELECT 1"))
            connection = db.session.connection()
            assert not other_writer_blocked(app)
        assert not other_writer_blocked(app)  # nothing sent since: still nothing held
        db.session.execute(text("SELECT 1"))
        assert other_writer_blocked(app)
        assert db.session.connection() is connection
        db.session.commit()
        assert not other_writer_blocked(app)


def test_a_second_read_phase_before_the_first_write_still_holds_nothing(app):
    with app.test_request_context("/", method="POST"):
        with read_phase():
            db.session.execute(text("SELECT 1"))
        with read_phase():
            db.session.execute(text("SELECT 2"))
            assert not other_writer_blocked(app)
        db.session.execute(text("SELECT 3"))
        assert other_writer_blocked(app)
        db.session.rollback()
        assert not other_writer_blocked(app)


def test_a_write_in_a_read_phase_begins_the_transaction_there(app, world):
    """It is not committed on its own: it goes with the transaction's rollback."""
    with app.test_request_context("/", method="POST"):
        with read_phase():
            db.session.execute(text("SELECT 1"))
            db.session.execute(text("UPDATE user SET name = 'Neu' WHERE id = :id"), {"id": 1})
            assert other_writer_blocked(app)
        db.session.rollback()
        assert not other_writer_blocked(app)
    assert db.session.scalar(text("SELECT name FROM user WHERE id = 1")) != "Neu"
