"""The migrations build exactly the schema the models declare (on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from antrag.extensions import db
from antrag.search.schema import include_name


def test_migrated_schema_matches_the_models(app):
    # The test database is built by running every migration (tests/databases.py).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == [], "write a migration for: " + "\n".join(map(str, differences))


def test_the_upgrade_records_the_files_already_stored(app, make_application, world):
    """The orphan sweep spares only recorded files: 0010 records every file rows refer to."""
    from flask_migrate import downgrade, upgrade
    from funding_support import issued_notice
    from sqlalchemy import select

    from antrag.files import StoredFile

    notice = issued_notice(make_application, world)
    names = {notice.pdf_stored_name, notice.application.council_resolution.stored_name}
    db.session.close()
    downgrade(revision="0007")
    upgrade()
    assert set(db.session.scalars(select(StoredFile.name))) == names
