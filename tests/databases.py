"""Test databases: a migrated template, copied for every test (SQLite file or PostgreSQL).

Set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:55432/postgres) to run the
suite on PostgreSQL; otherwise it runs on SQLite files.
"""

import atexit
import os
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from antrag import create_app
from antrag.extensions import db
from config import _normalise_db_url

SERVER_URL = os.environ.get("TEST_DATABASE_URL")


def on_postgres() -> bool:
    return bool(SERVER_URL)


@cache
def test_seal() -> dict:
    """Return the seal settings of this test process: a self-signed seal made once."""
    from antrag.letters.seal import make_self_signed

    folder = Path(tempfile.mkdtemp(prefix="antrag-seal-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    seal = make_self_signed(folder)
    return {"NOTICE_SEAL_CERT": str(seal.cert), "NOTICE_SEAL_KEY": str(seal.key)}


def base_config(uri: str, folder) -> dict:
    """Return the test configuration for a database URI and a scratch folder."""
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **test_seal(),
    }


@cache
def _server_engine():
    """The connection to the server's maintenance database (one per test process)."""
    url = make_url(_normalise_db_url(SERVER_URL)).set(database="postgres")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    atexit.register(engine.dispose)
    return engine


def _server_do(statement: str) -> None:
    with _server_engine().connect() as conn:
        conn.execute(text(statement))


# On PostgreSQL, creating a test's database (about 0.17 s) and dropping it (0.05 s) is the
# server's work: one background thread per test process drops the last test's database and
# prepares the next test's copy while the current test runs.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
_pending_drops = []


def _wait_for_background() -> None:
    for future in _pending_drops:
        future.result()
    _pending_drops.clear()


def _pg_uri(name: str) -> str:
    return (
        make_url(_normalise_db_url(SERVER_URL))
        .set(database=name)
        .render_as_string(hide_password=False)
    )


def _migrate(uri: str, folder) -> None:
    app = create_app(base_config(uri, folder))
    with app.app_context():
        upgrade()
        db.engine.dispose()


class Template:
    """A migrated database from which each test gets its own copy."""

    def __init__(self, folder):
        self.folder = folder
        if on_postgres():
            self.name = f"antrag_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._next = None  # the next test's copy, being prepared
            _server_do(f'CREATE DATABASE "{self.name}"')
            _migrate(_pg_uri(self.name), folder)
        else:
            self.path = folder / "template.db"
            _migrate(f"sqlite:///{self.path}", folder)

    def copy(self, folder) -> str:
        """Create a fresh copy for one test and return its URI."""
        if on_postgres():
            ready = self._next or _background.submit(self._server_copy)
            self._next = _background.submit(self._server_copy)
            return ready.result()
        path = folder / "antrag.db"
        shutil.copy(self.path, path)
        return f"sqlite:///{path}"

    def _server_copy(self) -> str:
        name = f"antrag_t_{uuid.uuid4().hex[:12]}"
        # FILE_COPY copies the small template's files instead of logging every page
        # (PostgreSQL 15's default WAL_LOG): about a third faster per test.
        _server_do(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}" STRATEGY FILE_COPY')
        return _pg_uri(name)

    @staticmethod
    def empty(folder) -> str:
        """Create an empty database (no migrations run) and return its URI."""
        if on_postgres():
            name = f"antrag_e_{uuid.uuid4().hex[:12]}"
            _server_do(f'CREATE DATABASE "{name}"')
            return _pg_uri(name)
        return f"sqlite:///{folder / 'empty.db'}"

    @staticmethod
    def drop(uri: str) -> None:
        """Remove a test copy (PostgreSQL only, in the background; SQLite files go with
        tmp_path)."""
        if not uri.startswith("postgresql"):
            return
        name = make_url(uri).database
        _pending_drops[:] = [future for future in _pending_drops if not future.done()]
        _pending_drops.append(
            _background.submit(_server_do, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )

    def close(self) -> None:
        if on_postgres():
            if self._next is not None:
                self.drop(self._next.result())
            self.drop(_pg_uri(self.name))
            _wait_for_background()
