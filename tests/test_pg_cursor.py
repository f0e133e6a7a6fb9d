"""The PostgreSQL cursor with a lazily built `description` (`antrag/pg_cursor.py`, issue 14).

It must describe every result exactly as psycopg's own cursor does, whenever its columns
are read, and the app's PostgreSQL connections must use it.
"""

import psycopg
import pytest
from databases import on_postgres
from sqlalchemy import literal, select

from antrag.extensions import db
from antrag.pg_cursor import LazyDescription, LeanCursor

pytestmark = pytest.mark.skipif(not on_postgres(), reason="a cursor of PostgreSQL's driver")

STATEMENTS = (
    "SELECT 1 AS one, 'x'::varchar(7) AS v, now() AS t, 2.5::numeric(9, 2) AS n, NULL AS nothing",
    "SELECT",  # rows without columns: an empty description, not None
    "SELECT 1 WHERE false",  # columns without rows
    "CREATE TEMPORARY TABLE probe (id int)",  # no rows: None
    "INSERT INTO probe VALUES (1)",
    "INSERT INTO probe VALUES (2) RETURNING id, id * 2 AS twice",
)


def _described(cursor) -> list[tuple] | None:
    description = cursor.description
    if description is None:
        return None
    return [(tuple(c), c.name, c.type_code, c.type_display, c.internal_size) for c in description]


@pytest.fixture
def url(app):
    return db.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")


def test_it_describes_every_result_as_psycopg_does(url):
    with (
        psycopg.connect(url) as plain,
        psycopg.connect(url, cursor_factory=LeanCursor) as lean,
    ):
        for statement in STATEMENTS:
            expected = _described(plain.execute(statement))
            cursor = lean.execute(statement)
            assert isinstance(cursor.description, (LazyDescription, type(None)))
            assert _described(cursor) == expected, statement
            assert (cursor.description is None) == (expected is None)
            if expected is not None:
                assert len(cursor.description) == len(expected)
                assert bool(cursor.description) == bool(expected)


def test_columns_read_later_describe_the_result_they_were_read_of(url):
    with psycopg.connect(url, cursor_factory=LeanCursor) as lean:
        cursor = lean.cursor()
        cursor.execute("SELECT 1 AS first, 'a' AS second")
        description = cursor.description  # nothing built yet
        cursor.execute("SELECT 2 AS other")
        assert [c.name for c in description] == ["first", "second"]
        assert description[-1].name == "second"


def test_the_apps_connections_use_it(app):
    connection = db.session.connection().connection.dbapi_connection
    assert connection.cursor_factory is LeanCursor
    assert db.session.execute(select(literal(1).label("x"))).one()._fields == ("x",)
