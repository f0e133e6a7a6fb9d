"""Error pages: a busy or unreachable database is a 'try again', anything unexpected a reference."""

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError


def _add_failing_route(app, exc, path="/_test_failure"):
    def fail():
        raise exc

    app.add_url_rule(path, path, fail)


def test_locked_database_is_a_503_with_retry_after(app, client):
    _add_failing_route(
        app, OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))
    )
    response = client.get("/_test_failure")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "noch einmal" in response.get_data(as_text=True)


def test_other_database_errors_are_a_500_with_reference_and_no_trace(app, client):
    _add_failing_route(
        app, OperationalError("SELECT", {}, sqlite3.OperationalError("disk I/O error"))
    )
    response = client.get("/_test_failure")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Referenz" in page
    assert "Traceback" not in page and "disk I/O" not in page


class _ServerError(Exception):
    """A driver error carrying a PostgreSQL SQLSTATE, as psycopg's errors do."""

    def __init__(self, sqlstate):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "status"),
    [
        ("57P01", 503),  # admin shutdown: the backend was terminated
        ("57P03", 503),  # the server is starting up
        ("08006", 503),  # connection failure
        ("53300", 503),  # too many connections
        (None, 503),  # no connection could be made at all
        ("53100", 500),  # disk full: trying again will not help
        ("P0001", 500),  # an exception raised in the database
    ],
)
def test_a_database_that_is_away_is_a_503_for_pages_and_the_api(app, client, sqlstate, status):
    exc = OperationalError("SELECT 1", {}, _ServerError(sqlstate))
    _add_failing_route(app, exc)
    _add_failing_route(app, exc, "/api/v1/_test_failure")

    page = client.get("/_test_failure")
    api = client.get("/api/v1/_test_failure")

    assert (page.status_code, api.status_code) == (status, status)
    assert api.mimetype == "application/problem+json"
    if status == 503:
        assert page.headers["Retry-After"] == api.headers["Retry-After"] == "5"
        assert "noch einmal" in page.get_data(as_text=True)
