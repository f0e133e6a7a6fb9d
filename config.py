"""Configuration classes; values are read from the environment when a class is chosen."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class Config:
    """Settings shared by every environment; subclasses override what differs."""

    SQLALCHEMY_DATABASE_URI = None  # set in create_app from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY = None
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    WORKFLOWS_DIR = str(BASE_DIR / "workflows")
    UPLOAD_FOLDER = None  # defaults to <instance>/uploads, outside the web root
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # The request may carry a 10 MB file plus the rest of the form; anything larger is a 413.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    QUEUE_PAGE_SIZE = 20
    CHANGE_REQUEST_DAYS = 28
    LOAD_DEMO_DATA = False
    # Links in e-mails point here.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Reminders go out this many days before a due date.
    REMINDER_LEAD_DAYS = 3

    @classmethod
    def from_environment(cls) -> dict:
        """Return the settings that the environment overrides."""
        values = {}
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
        if os.environ.get("SECRET_KEY"):
            values["SECRET_KEY"] = os.environ["SECRET_KEY"]
        for key in ("UPLOAD_FOLDER", "WORKFLOWS_DIR", "PUBLIC_URL"):
            if os.environ.get(key):
                values[key] = os.environ[key]
        return values


class DevelopmentConfig(Config):
    """Local use with `make run`: SQLite in the instance folder, a generated secret key."""

    DEBUG = False
    LOAD_DEMO_DATA = True


class ProductionConfig(Config):
    """Production: PostgreSQL via DATABASE_URL, secure cookies, a secret from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    """The test suite passes its own database URL and folders."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
