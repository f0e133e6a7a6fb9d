"""Antrag: the application workflow engine of the Interkommunales Netzwerk Digitale Stadt."""

import os
import secrets
import sqlite3
from pathlib import Path

import click
from flask import Flask, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import BASE_DIR, CONFIGS

from . import db_liveness, features, logs
from .extensions import babel, csrf, db, login_manager, migrate
from .read_phase import in_read_phase
from .routing import CONVERTERS
from .sqlite_turns import TurnTakingConnection

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")
LANGUAGES = ("de", "en")
# The Babel locale of each language: British English suits the public-sector register
# (programme, organisation) and formats `14 May 2019` and `€60,750.00`.
BABEL_LOCALES = {"de": "de", "en": "en_GB"}


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; `test_config` overrides everything else."""
    env = os.environ.get("ANTRAG_ENV", "development")
    config_class = CONFIGS[env if not test_config else "testing"]
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(BASE_DIR / "templates"),
    )
    # Before the first route: every `<int:…>` is an id in range, every segment valid text.
    app.url_map.converters.update(CONVERTERS)
    app.config.from_object(config_class)
    app.config.update(config_class.from_environment())
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _complete_config(app, env)
    logs.configure(app)

    db.init_app(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server's connection can die between requests (restart, failover, an idle
        # time-out): it is tested as it leaves the pool, so the request gets a fresh one.
        with app.app_context():
            for engine in db.engines.values():
                db_liveness.watch(engine, app.config["DATABASE_PING_AFTER_SECONDS"])
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)

    features.load()
    from .engine.records import check_at_startup
    from .engine.workflows import EXTENSION_KEY, WorkflowSet

    workflow_set = WorkflowSet.from_directory(app.config["WORKFLOWS_DIR"])
    check_at_startup(app, workflow_set.all())  # published versions unchanged, used ones there
    app.extensions[EXTENSION_KEY] = workflow_set

    from . import cli, devworker, errors, web
    from .limits import rates

    rates.init_app(app)
    web.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    devworker.init_app(app)
    return app


def _complete_config(app: Flask, env: str) -> None:
    """Fill in the database, secret key and upload folder where nothing was given."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "antrag.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Write transactions take turns instead of sleeping on SQLite's busy handler.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options,
            "connect_args": {"factory": TurnTakingConnection, **options.get("connect_args", {})},
        }
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        # Result columns described only when read (SQLAlchemy reads none of a cached statement).
        from .pg_cursor import LeanCursor

        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options,
            "connect_args": {"cursor_factory": LeanCursor, **options.get("connect_args", {})},
        }
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set in production (a long random string).")
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)


def _select_locale() -> str:
    """German unless the person chose English (and always German outside a request)."""
    if not has_request_context():
        return "de"
    if request.blueprint == "api" and request.endpoint != "api.docs":
        return "de"  # the JSON API answers in German whatever the browser session chose
    chosen = session.get("lang")
    return BABEL_LOCALES.get(chosen, "de")


SQLITE_BUSY_TIMEOUT = 5.0  # seconds a writer waits for SQLite's write lock
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection.

    How transactions begin is decided per transaction by `_sqlite_begin`.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """Start SQLite write transactions with BEGIN IMMEDIATE.

    A deferred transaction that reads first and writes later cannot wait for the write lock
    (SQLite answers "database is locked" at once, whatever the busy timeout); taking the
    write lock at BEGIN makes concurrent writers queue for up to the busy timeout instead.
    Write requests and CLI commands begin IMMEDIATE (the driver's implicit BEGIN switched
    off). A transaction that begins in a read phase (`antrag.read_phase`) sends BEGIN
    IMMEDIATE before its first statement outside it (`_sqlite_begin_after_reads`); until
    then each read runs on its own, holding neither the lock nor a snapshot. Requests that
    only read (GET, HEAD, OPTIONS) and code outside requests and commands (tests, the shell)
    keep the driver's own handling: reads run without holding a snapshot, and a transaction
    begins at the first write.
    """
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # no transaction at all (a migration's PRAGMA foreign_keys, for one)
    dbapi_connection = connection.connection.dbapi_connection
    if not _sqlite_writes():
        dbapi_connection.isolation_level = ""
        return
    dbapi_connection.isolation_level = None
    if in_read_phase() and isinstance(dbapi_connection, TurnTakingConnection):
        dbapi_connection.begin_later = True
        return
    _begin_immediate(dbapi_connection, connection.engine.url.database, connection.exec_driver_sql)


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_after_reads(connection, cursor, statement, parameters, context, many):
    """Begin IMMEDIATE before a write transaction's first statement after its read phase.

    A statement that writes begins it even inside the read phase, which ends there: what it
    writes belongs to the transaction and goes with its commit or rollback, never on its own.
    """
    dbapi_connection = cursor.connection
    if getattr(dbapi_connection, "begin_later", False) and (
        not in_read_phase() or statement.lstrip()[:6].upper() not in READING
    ):
        dbapi_connection.begin_later = False
        # The statement's own error handling wraps a failure (as for the statement itself).
        _begin_immediate(dbapi_connection, connection.engine.url.database, cursor.execute)


READING = frozenset({"SELECT", "PRAGMA"})  # statements that only read (the first word)


def _begin_immediate(dbapi_connection, database: str | None, run) -> None:
    """Take the writers' turn (see `antrag.sqlite_turns`), then SQLite's write lock."""
    taking_turns = isinstance(dbapi_connection, TurnTakingConnection)
    if taking_turns and database and database != ":memory:":
        dbapi_connection.take_turn(database, SQLITE_BUSY_TIMEOUT)
    try:
        run("BEGIN IMMEDIATE")
    except BaseException:
        if taking_turns:
            dbapi_connection.end_turn()
        raise


def _sqlite_writes() -> bool:
    """Return whether the current transaction belongs to a write request or a CLI command."""
    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    return click.get_current_context(silent=True) is not None
