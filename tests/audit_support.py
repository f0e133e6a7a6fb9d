"""Helpers of the `audit verify` tests: run it, and change rows past the app."""

from sqlalchemy import text

from antrag.extensions import db


def verify(runner):
    """Run `flask audit verify`; return click's result."""
    return runner.invoke(args=["audit", "verify"])


def in_the_database(statement: str, **params) -> None:
    """Change the database as someone with a SQL shell would: past the app and its records."""
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()
