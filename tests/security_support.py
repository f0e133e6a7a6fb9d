"""Helpers for the session, throttling and security-log tests."""

import secrets

from antrag import create_app
from antrag.extensions import db
from antrag.security import logger as security_logger


def production_app(monkeypatch, database_uri, folder):
    """Build the app as `ANTRAG_ENV=production` would, on the test's database."""
    monkeypatch.setenv("ANTRAG_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", database_uri)
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("UPLOAD_FOLDER", str(folder / "uploads"))
    return create_app()


def is_logged_in(client) -> bool:
    """Return whether the client's cookie still opens a page that needs a login."""
    response = client.get("/")
    return response.status_code == 302 and "/anmelden" not in response.headers["Location"]


def events(caplog, action: str | None = None) -> list[dict]:
    """Return the structured security events captured, optionally of one action."""
    found = [r.security for r in caplog.records if r.name == security_logger.name]
    return [e for e in found if action is None or e["action"] == action]


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()
