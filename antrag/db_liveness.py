"""Whether a pooled connection to the database server still works, asked as it leaves the pool.

SQLAlchemy's `pool_pre_ping` sends a round trip at every checkout: one statement more per
request, on a busy server, for an answer that is almost always yes. Instead:

1. The connection's socket is polled, which costs no round trip. A connection idle in the
   pool has nothing to read; a server that ended it (a restart, a failover,
   `pg_terminate_backend`, `idle_session_timeout`) has sent its last message and closed, which
   makes the socket readable. Such a connection is discarded without a word to the server.
2. A connection idle for longer than `DATABASE_PING_AFTER_SECONDS` is pinged as before, for
   what its socket cannot show: a server gone without a word (a dropped NAT or firewall entry).

A connection found dead raises `DisconnectionError` in the pool's checkout event, on which
the pool discards it and checks out a fresh one (SQLAlchemy's documentation, "Dealing with
Disconnects", pessimistic handling with a custom checkout event). A connection that dies
during a request still ends in the 503 of `antrag/errors.py`, and the pool invalidates it.
"""

import select
import time
from collections.abc import Callable

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

# connection_record.info key: when the connection went back into the pool (monotonic clock)
IDLE_SINCE = "antrag_idle_since"
_SPOKEN = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def watch(engine: Engine, ping_after: float, clock: Callable[[], float] = time.monotonic) -> None:
    """Test `engine`'s connections as they leave its pool (socket always, ping when idle long)."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection, connection_record):
        if dbapi_connection is not None:  # None: it was invalidated and is gone
            connection_record.info[IDLE_SINCE] = clock()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection, connection_record, connection_proxy):
        idle_since = connection_record.info.pop(IDLE_SINCE, None)
        if idle_since is None:
            return  # just connected
        spoken = has_spoken(dbapi_connection)
        if spoken:
            raise exc.DisconnectionError("The server ended the connection while it was idle.")
        if (spoken is None or clock() - idle_since > ping_after) and not _answers(
            dialect, dbapi_connection
        ):
            raise exc.DisconnectionError("The connection does not answer a ping.")


def has_spoken(dbapi_connection) -> bool | None:
    """True if an idle connection's socket is readable or closed (the server ended it); None
    for a driver that shows no socket (then only a ping can tell)."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return None
    try:
        descriptor = fileno()
    except Exception:  # noqa: BLE001 - any driver's "connection is closed"
        return True
    poller = select.poll()
    poller.register(descriptor, _SPOKEN)
    return bool(poller.poll(0))


def _answers(dialect, dbapi_connection) -> bool:
    """Ping the connection; False if the driver says it is disconnected."""
    try:
        return dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            return False
        raise
