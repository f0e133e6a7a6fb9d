"""Helpers for logins of accounts that must have a second factor.

The default test login (`WebClient.login`) logs in with the password like a person does.
An account whose role must have a second factor is then held at the enrolment; instead of
enrolling an app for every world account, the helper records on the session row that it
passed a second factor, with the function `finish_login` and `mark_passed` use
(`note_passed`). Production has no such path: the row can only be changed by code.
"""

from antrag.accounts.second_factor import note_passed
from antrag.accounts.sessions import SESSION_KEY, find_session
from antrag.extensions import db

TEST_METHOD = "test"


def pass_second_factor(client, user, method: str = TEST_METHOD) -> bool:
    """Mark the client's session as having passed a second factor now, if the role needs one."""
    role = getattr(user, "role", None)
    if role is None:  # a login by e-mail only (the demo's accounts)
        from sqlalchemy import select

        from antrag.accounts.models import User

        role = db.session.scalar(select(User.role).where(User.email == user.email))
    if role not in client.application.config["SECOND_FACTOR_ROLES"]:
        return False
    with client.session_transaction() as stored:
        secret = stored.get(SESSION_KEY)
    row = find_session(secret)
    if row is None:  # a pending login: the account has a factor, pass it for real
        return False
    note_passed(row, method)
    db.session.commit()
    return True


def enrol_totp(user) -> list[str]:
    """Give `user` a confirmed authenticator app and recovery codes; return the codes."""
    from antrag.accounts import recovery, totp
    from antrag.db_types import utcnow

    credential = totp.begin_enrolment(user)
    credential.confirmed_at = utcnow()
    codes = recovery.generate(user)
    db.session.commit()
    return codes


def current_code(user, when=None) -> str:
    """Return the code `user`'s app shows now (or at `when`)."""
    from antrag.accounts import totp

    return totp.code_for(user, when)


def login_with_code(web, user, code: str | None = None, password: str | None = None):
    """Log in with password and the app's code as a person does; return the last response."""
    from conftest import PASSWORD

    web.token = None
    web.get("/anmelden")
    first = web.post("/anmelden", {"email": user.email, "password": password or PASSWORD})
    assert first.headers["Location"].startswith("/anmelden/zweiter-faktor"), first.status_code
    web.get("/anmelden/zweiter-faktor")
    return web.post("/anmelden/zweiter-faktor", {"code": code or current_code(user)})


def pass_open_sessions(email: str, method: str = TEST_METHOD) -> int:
    """Mark every open session of the account `email` as having passed a second factor now.

    For logins made over real HTTP (gunicorn, the browser), whose cookies the test cannot
    open: the rows are found by account instead. Returns how many were marked.
    """
    from sqlalchemy import func, select

    from antrag.accounts.models import User, UserSession

    db.session.expire_all()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or user.role not in _required_roles():
        return 0
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).all()
    for row in rows:
        note_passed(row, method)
    db.session.commit()
    return len(rows)


def _required_roles():
    from flask import current_app

    return current_app.config["SECOND_FACTOR_ROLES"]
