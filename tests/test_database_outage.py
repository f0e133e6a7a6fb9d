"""The database goes away and comes back: a 503 "try again" with Retry-After, never a 500.

HTML pages, write requests and the API (problem+json) all answer the same 503 that a locked
SQLite gives, and the first request after the database is back succeeds without a restart.
On PostgreSQL the outage is a TCP relay in front of the server that the test cuts and
restores, and backends are terminated with `pg_terminate_backend`; on SQLite the database
file's directory disappears and reappears.
"""

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest
from api_support import PROBLEM, token_for
from conftest import WebClient
from databases import base_config, on_postgres
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from antrag import create_app
from antrag.extensions import db

PG_ONLY = pytest.mark.skipif(
    not on_postgres(), reason="SQLite has no server connections that could be terminated"
)


class TcpRelay:
    """Forwards 127.0.0.1:port to the database server until `cut`; `restore` opens it again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.open = threading.Event()
        self.sockets: list[socket.socket] = []
        self.threads: list[threading.Thread] = []

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self.open.set()
        self._start(self._accept, listener)

    def cut(self) -> None:
        """Refuse new connections and drop every forwarded one, as a failed server would."""
        self.open.clear()
        for thread in self.threads:
            if thread.name == "accept":
                thread.join()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _start(self, target, *args) -> None:
        thread = threading.Thread(
            target=target, args=args, daemon=True, name=target.__name__.strip("_")
        )
        self.threads.append(thread)
        thread.start()

    def _accept(self, listener) -> None:
        with listener:
            while self.open.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                server = socket.create_connection(self.target)
                self.sockets += [client, server]
                self._start(self._pipe, client, server)
                self._start(self._pipe, server, client)

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


@pytest.fixture
def outage(database_uri, tmp_path):
    """Return (uri, cut, restore): a way to the test database that can be taken away."""
    if on_postgres():
        url = make_url(database_uri)
        relay = TcpRelay(url.host, url.port)
        relay.restore()
        yield (
            url.set(port=relay.port).render_as_string(hide_password=False),
            relay.cut,
            relay.restore,
        )
        relay.cut()
    else:
        folder = Path(make_url(database_uri).database).parent
        link = tmp_path / "mounted"
        link.symlink_to(folder, target_is_directory=True)
        yield (
            f"sqlite:///{link / 'antrag.db'}",
            link.unlink,
            lambda: link.symlink_to(folder, target_is_directory=True),
        )


@pytest.fixture
def second_app(outage, tmp_path):
    """A second app on the same database, reached over the way that can be taken away."""
    uri, _cut, _restore = outage
    other = create_app(base_config(uri, tmp_path) | {"SERVER_NAME": "antrag.test"})
    yield other
    with other.app_context():
        db.engine.dispose()


def _assert_try_again(response, api=False):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "psycopg" not in body and "sqlite" not in body
    if api:
        assert response.mimetype == PROBLEM
        assert response.get_json()["status"] == 503
    else:
        assert response.mimetype == "text/html"
        assert "noch einmal" in body


def test_an_outage_is_a_503_and_the_next_request_after_it_succeeds(
    world, outage, second_app, tmp_path
):
    _uri, cut, restore = outage
    bearer = {"Authorization": f"Bearer {token_for(world.users.speyer)}"}
    db.session.commit()
    browser = WebClient(second_app.test_client())
    browser.login(world.users.speyer)
    assert browser.get("/antraege/").status_code == 200
    if not on_postgres():  # an open SQLite file stays readable: new connections are what fail
        with second_app.app_context():
            db.engine.dispose()
    api = second_app.test_client()

    cut()
    try:
        _assert_try_again(browser.get("/antraege/"))
        _assert_try_again(browser.get("/netzwerktreffen/"))
        _assert_try_again(browser.post("/abmelden"))  # a write request
        _assert_try_again(browser.post("/abmelden", csrf=False))  # even its error page
        _assert_try_again(api.get("/api/v1/me", headers=bearer), api=True)
    finally:
        restore()

    assert browser.get("/netzwerktreffen/").status_code == 200
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    assert browser.get("/antraege/").status_code == 200  # still logged in: nothing was lost


def _terminate_other_backends() -> int:
    """Terminate every other connection to this database, as a failover or an admin would,
    and wait until they have ended (termination is a signal the backend answers in its own
    time; a request in that instant is the 503 of a connection dying mid-request)."""
    server = create_engine(db.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    others = text(
        "SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    )
    try:
        with server.connect() as connection:
            pids = connection.scalars(others, {"name": db.engine.url.database}).all()
            for pid in pids:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(500):
                alive = connection.scalars(others, {"name": db.engine.url.database}).all()
                if not set(pids) & set(alive):
                    break
                time.sleep(0.01)
            else:
                raise AssertionError(f"backends {pids} still alive after 5 s")
            return len(pids)
    finally:
        server.dispose()


@PG_ONLY
def test_terminated_idle_connections_are_replaced_without_an_error(app, make_web, world):
    web = make_web(world.users.speyer)
    assert web.get("/antraege/").status_code == 200
    db.session.commit()
    assert _terminate_other_backends() >= 1

    assert web.get("/antraege/").status_code == 200


@PG_ONLY
def test_a_connection_that_dies_mid_request_is_a_503_then_the_app_recovers(app, client, world):
    def dies():
        db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "not reached"

    app.add_url_rule("/_test_connection_dies", "dies_html", dies)
    app.add_url_rule("/api/v1/_test_connection_dies", "dies_api", dies)

    _assert_try_again(client.get("/_test_connection_dies"))
    _assert_try_again(client.get("/api/v1/_test_connection_dies"), api=True)
    assert client.get("/netzwerktreffen/").status_code == 200
