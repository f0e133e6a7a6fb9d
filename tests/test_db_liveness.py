"""Pooled server connections are tested as they leave the pool: by their socket at every
checkout (no round trip), by a ping only after a long idle time (antrag/db_liveness.py)."""

import time

import pytest
from databases import on_postgres
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from antrag import db_liveness
from antrag.extensions import db

pytestmark = pytest.mark.skipif(not on_postgres(), reason="SQLite has no server connection to lose")


class Clock:
    """A monotonic clock the test moves on by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watched(app):
    """A pool of one connection to the test database, watched with a hand-moved clock, and a
    list of the pings it sent."""
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    clock, pings = Clock(), []
    ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection):
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted_ping
    db_liveness.watch(engine, ping_after=10, clock=clock)
    yield engine, clock, pings
    engine.dispose()


def _backend(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def _terminate(pid: int) -> None:
    """End backend `pid` from a connection of its own and wait until it has gone.

    (Each look in its own transaction: pg_stat_activity is a snapshot per transaction.)"""
    engine = create_engine(db.engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(500):
            gone = not connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if gone:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} still alive after 5 s")


def test_a_busy_pool_sends_no_ping(watched):
    engine, clock, pings = watched
    first = _backend(engine)
    for _ in range(5):
        clock.now += 1
        assert _backend(engine) == first

    assert pings == []


def test_a_connection_idle_longer_than_the_setting_is_pinged_and_kept(watched):
    engine, clock, pings = watched
    first = _backend(engine)
    clock.now += 10.5

    assert _backend(engine) == first
    assert len(pings) == 1


def test_a_connection_the_server_ended_is_replaced_without_a_ping(watched):
    engine, _clock, pings = watched
    first = _backend(engine)
    _terminate(first)

    assert _backend(engine) != first  # no error: the pool connected anew
    assert pings == []


def test_a_connection_closed_on_this_side_is_replaced(watched):
    engine, _clock, _pings = watched
    with engine.connect() as connection:
        first = connection.scalar(text("SELECT pg_backend_pid()"))
        connection.connection.dbapi_connection.close()
        connection.invalidate()  # what the pool does when a statement fails on it
    assert _backend(engine) != first


def test_has_spoken_reads_the_socket(watched):
    engine, _clock, _pings = watched
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert db_liveness.has_spoken(raw) is False  # idle, nothing to read
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
        connection.commit()
        _terminate(pid)
        assert db_liveness.has_spoken(raw) is True  # the server's goodbye, then EOF
        connection.invalidate()
    assert db_liveness.has_spoken(object()) is None  # a driver without a socket


def test_the_app_watches_its_engine_instead_of_pinging_at_every_checkout(app):
    assert not db.engine.pool._pre_ping
    pid = _backend(db.engine)
    _terminate(pid)

    assert _backend(db.engine) != pid
