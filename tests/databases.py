"""Test databases: a migrated template, copied for every test (SQLite file or PostgreSQL).

Set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:55432/postgres) to run the
suite on PostgreSQL; otherwise it runs on SQLite files.
"""

import atexit
import os
import shutil
import tempfile
import uuid
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


def _server_engine():
    url = make_url(_normalise_db_url(SERVER_URL)).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


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
            engine = _server_engine()
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
            engine.dispose()
            _migrate(_pg_uri(self.name), folder)
        else:
            self.path = folder / "template.db"
            _migrate(f"sqlite:///{self.path}", folder)

    def copy(self, folder) -> str:
        """Create a fresh copy for one test and return its URI."""
        if on_postgres():
            name = f"antrag_t_{uuid.uuid4().hex[:12]}"
            engine = _server_engine()
            with engine.connect() as conn:
                # FILE_COPY copies the small template's files instead of logging every
                # page (PostgreSQL 15's default WAL_LOG): about a third faster per test.
                conn.execute(
                    text(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}" STRATEGY FILE_COPY')
                )
            engine.dispose()
            return _pg_uri(name)
        path = folder / "antrag.db"
        shutil.copy(self.path, path)
        return f"sqlite:///{path}"

    @staticmethod
    def empty(folder) -> str:
        """Create an empty database (no migrations run) and return its URI."""
        if on_postgres():
            name = f"antrag_e_{uuid.uuid4().hex[:12]}"
            engine = _server_engine()
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
            return _pg_uri(name)
        return f"sqlite:///{folder / 'empty.db'}"

    @staticmethod
    def drop(uri: str) -> None:
        """Remove a test copy (PostgreSQL only; SQLite files go with tmp_path)."""
        if not uri.startswith("postgresql"):
            return
        engine = _server_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(uri).database}" WITH (FORCE)'))
        engine.dispose()

    def close(self) -> None:
        if on_postgres():
            self.drop(_pg_uri(self.name))
