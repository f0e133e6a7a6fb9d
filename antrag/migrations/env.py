"""Alembic environment: migrate the database of the current Flask app."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from antrag.search.schema import include_name

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline():
    """Emit the SQL of the migrations instead of running them."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations on the app's engine."""

    def process_revision_directives(context, revision, directives):
        # no empty migration files from autogenerate
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_as_batch", True)
    # The full-text index objects are the database's own, not model tables (antrag/search).
    conf_args.setdefault("include_name", include_name)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
            conf_args.setdefault("on_version_apply", _sqlite_check_references)
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            # SQLite runs each migration in its own committed transaction; what may be left
            # open here is a read of the version table.
            if connection.in_transaction():
                connection.rollback()
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, *, on: bool) -> None:
    """Switch SQLite's enforcement of foreign keys, outside any transaction.

    SQLite changes a table's constraints by rebuilding it (create, copy, drop, rename). With
    foreign keys enforced, dropping a table that other rows refer to fails, and the pragma
    has no effect inside a transaction; so it is switched off around the migrations, on the
    driver's connection before the first statement begins one.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.in_transaction:
        raise RuntimeError("cannot switch SQLite's foreign keys inside a transaction")
    dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _sqlite_check_references(ctx, step, heads, run_args) -> None:
    """Refuse a migration that leaves a row referring to a missing one (before it commits)."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration {step} breaks foreign keys: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
