"""Server-side sessions: ended at logout, on time-outs, on deactivation and new passwords."""

from datetime import timedelta

import pytest
from security_support import dispose, is_logged_in, production_app
from sqlalchemy import select

from antrag.accounts.models import UserSession
from antrag.accounts.operations import set_password, update_user
from antrag.accounts.sessions import SESSION_KEY
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from config import ProductionConfig

EXPIRED = "Ihre Sitzung ist abgelaufen"


def cookie(web) -> str:
    return web.client.get_cookie("session", domain="antrag.test").value


def replay(app, value: str):
    """Return a new client that carries only the given session cookie."""
    other = app.test_client()
    other.set_cookie("session", value, domain="antrag.test")
    return other


def sessions_of(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def test_login_opens_a_session_row_storing_only_a_hash(web, world):
    web.login(world.users.speyer)
    (row,) = sessions_of(world.users.speyer)
    with web.client.session_transaction() as session:
        secret = session[SESSION_KEY]
    assert row.ended_at is None and row.ip == "127.0.0.1"
    assert secret not in row.secret_hash and len(row.secret_hash) == 64


def test_a_cookie_replayed_after_logout_is_refused(app, web, world):
    web.login(world.users.speyer)
    before_logout = cookie(web)
    assert is_logged_in(replay(app, before_logout))

    web.logout()

    thief = replay(app, before_logout)
    response = thief.get("/antraege/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden")
    assert not is_logged_in(thief)
    (row,) = sessions_of(world.users.speyer)
    assert row.ended_at is not None and row.end_reason == "logout"


def test_login_rotates_the_session(app, web, world):
    web.get("/anmelden")
    with web.client.session_transaction() as session:
        session[SESSION_KEY] = "von-angreifer-gesetzt"
    planted = cookie(web)

    web.login(world.users.speyer)

    assert cookie(web) != planted
    with web.client.session_transaction() as session:
        assert session[SESSION_KEY] != "von-angreifer-gesetzt"
    assert not is_logged_in(replay(app, planted))
    assert is_logged_in(web.client)


def test_an_idle_session_expires_with_a_german_message(web, world):
    start = utcnow()
    with frozen_at(start):
        web.login(world.users.speyer)
    with frozen_at(start + timedelta(minutes=29)):
        assert is_logged_in(web.client)
    with frozen_at(start + timedelta(minutes=58)):  # 29 minutes after the last request
        assert is_logged_in(web.client)
    with frozen_at(start + timedelta(minutes=89)):
        response = web.client.get("/antraege/", follow_redirects=True)
        assert EXPIRED in response.get_data(as_text=True)
        assert not is_logged_in(web.client)
    (row,) = sessions_of(world.users.speyer)
    assert row.end_reason == "idle"


def test_a_busy_session_still_ends_after_ten_hours(web, world):
    start = utcnow()
    with frozen_at(start):
        web.login(world.users.reviewer)
    for minutes in range(25, 10 * 60, 25):
        with frozen_at(start + timedelta(minutes=minutes)):
            assert is_logged_in(web.client), minutes
    with frozen_at(start + timedelta(hours=10, minutes=1)):
        response = web.client.get("/pruefung/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden")
    (row,) = sessions_of(world.users.reviewer)
    assert row.end_reason == "expired"


def test_last_seen_is_written_at_most_once_a_minute(web, world):
    start = utcnow()
    with frozen_at(start):
        web.login(world.users.speyer)
    with frozen_at(start + timedelta(seconds=50)):
        web.get("/antraege/")
    (row,) = sessions_of(world.users.speyer)
    assert row.last_seen_at == row.created_at
    with frozen_at(start + timedelta(minutes=2)):
        web.get("/antraege/")
    (row,) = sessions_of(world.users.speyer)
    assert row.last_seen_at > row.created_at


def test_deactivating_a_user_ends_their_sessions(make_web, world):
    city, other = make_web(world.users.speyer), make_web(world.users.reviewer)
    user = world.users.speyer
    update_user(
        user, world.users.admin, name=user.name, role="applicant",
        municipality_ags="07318000", active=False,
    )  # fmt: skip
    db.session.commit()
    assert not is_logged_in(city.client)
    assert is_logged_in(other.client)
    assert [row.end_reason for row in sessions_of(user)] == ["deactivated"]


def test_a_new_password_ends_every_session_of_the_user(make_web, world):
    first, second = make_web(world.users.mentor), make_web(world.users.mentor)
    set_password(world.users.mentor, "ein-ganz-neues-passwort", world.users.admin)
    db.session.commit()
    assert not is_logged_in(first.client) and not is_logged_in(second.client)
    assert {row.end_reason for row in sessions_of(world.users.mentor)} == {"password"}


def test_session_settings_match_the_time_outs(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 30 and app.config["SESSION_MAX_HOURS"] == 10
    assert app.permanent_session_lifetime == timedelta(hours=10)
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.fixture
def production(monkeypatch, database_uri, tmp_path, world):
    prod = production_app(monkeypatch, database_uri, tmp_path)
    yield prod
    dispose(prod)


def test_production_cookie_is_secure_httponly_and_lax(production, world):
    from conftest import PASSWORD, WebClient

    web = WebClient(production.test_client())
    https = {"base_url": "https://antrag.test", "headers": {"Referer": "https://antrag.test/"}}
    web.get("/anmelden", **https)
    form = {"email": world.users.speyer.email, "password": PASSWORD}
    response = web.post("/anmelden", form, **https)
    assert response.status_code == 302
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
