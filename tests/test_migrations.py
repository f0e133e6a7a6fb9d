"""The migrations build exactly the schema the models declare (on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from antrag.extensions import db


def test_migrated_schema_matches_the_models(app):
    # The test database is built by running every migration (tests/databases.py).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == [], "write a migration for: " + "\n".join(map(str, differences))
