"""Error pages: a busy SQLite database is a 'try again', anything unexpected a reference id."""

import sqlite3

from sqlalchemy.exc import OperationalError


def _add_failing_route(app, exc):
    @app.route("/_test_failure")
    def _fail():
        raise exc


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
