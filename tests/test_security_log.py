"""The security log: who did what from where, in UTC, and never a password or token."""

import re

import pytest
from api_support import token_for
from conftest import PASSWORD
from security_support import dispose, events, production_app

from antrag.security import security_event

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(autouse=True)
def _capture(caplog):
    caplog.set_level("INFO", logger="antrag.security")


def only(caplog, action, **expected) -> dict:
    """Return the one event of `action` that has the expected fields."""
    found = [e for e in events(caplog, action) if all(e.get(k) == v for k, v in expected.items())]
    assert len(found) == 1, events(caplog)
    return found[0]


def test_login_and_logout_are_logged_with_time_user_role_and_ip(web, world, caplog):
    web.login(world.users.reviewer)
    web.logout()
    login = only(caplog, "login", outcome="success")
    logout = only(caplog, "logout")
    for event in (login, logout):
        assert UTC_TIME.match(event["time"])
        assert (event["user"], event["role"], event["ip"]) == (
            str(world.users.reviewer.id),
            "reviewer",
            "127.0.0.1",
        )
    assert "action=login outcome=success" in caplog.text


def test_a_failed_login_names_the_account_but_never_the_password(web, world, caplog):
    web.post("/anmelden", {"email": world.users.mentor.email, "password": "geheim-geheim-42"})
    web.login(world.users.mentor)
    failure = only(caplog, "login", outcome="failure")
    assert failure["email"] == world.users.mentor.email
    assert failure["reason"] == "wrong_password"
    assert "geheim-geheim-42" not in caplog.text and PASSWORD not in caplog.text
    assert all(PASSWORD not in str(r.args) for r in caplog.records)


def test_a_replayed_session_is_logged_as_refused(app, web, world, caplog):
    web.login(world.users.speyer)
    stolen = web.client.get_cookie("session", domain="antrag.test").value
    web.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="antrag.test")
    thief.get("/antraege/")
    event = only(caplog, "session_invalid")
    assert event["outcome"] == "refused" and event["object"].startswith("UserSession:")
    assert stolen not in caplog.text


def test_a_403_is_logged(make_web, world, caplog):
    assert make_web(world.users.speyer).get("/pruefung/").status_code == 403
    event = only(caplog, "access_refused", path="/pruefung/")
    assert event["user"] == str(world.users.speyer.id) and event["status"] == 403


def test_an_invisible_object_is_logged_with_its_name(make_web, make_application, world, caplog):
    application = make_application("submitted")
    response = make_web(world.users.andernach).get(f"/antraege/{application.id}")
    assert response.status_code == 404
    event = only(caplog, "access_refused", object=f"Application:{application.id}")
    assert event["user"] == str(world.users.andernach.id) and event["role"] == "applicant"


def test_a_refused_transition_is_logged(make_web, make_application, world, caplog):
    application = make_application("submitted")
    web = make_web(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "approve", "version": application.case.version},
    )
    assert response.status_code in (403, 409)
    event = only(caplog, "transition_refused")
    assert event["user"] == str(world.users.speyer.id) and event["outcome"] == "refused"


def test_api_401_and_404_are_logged_without_the_token(client, make_application, world, caplog):
    application = make_application("submitted")
    bogus = "antrag_" + "x" * 43
    response = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {bogus}"})
    assert response.status_code == 401
    only(caplog, "api_token_refused", status=401)
    secret = token_for(world.users.andernach)
    response = client.get(
        f"/api/v1/applications/{application.id}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 404
    event = only(caplog, "access_refused", object=f"Application:{application.id}")
    assert event["user"] == str(world.users.andernach.id)
    assert bogus not in caplog.text and secret not in caplog.text


def test_secret_details_are_dropped_and_lines_cannot_be_forged(app, caplog):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        security_event("probe", password="p4ss", api_token="t0k", note="a\nforged=line")
    (event,) = events(caplog, "probe")
    assert event["password"] == event["api_token"] == "[entfernt]"
    assert event["ip"] == "192.0.2.7"
    assert "p4ss" not in caplog.text and "t0k" not in caplog.text
    (line,) = [r.getMessage() for r in caplog.records if "action=probe" in r.getMessage()]
    assert "\n" not in line and "note=a_forged=line" in line


def test_hsts_only_in_production(client, monkeypatch, database_uri, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/anmelden").headers
    prod = production_app(monkeypatch, database_uri, tmp_path)
    response = prod.test_client().get("/anmelden", base_url="https://antrag.test")
    dispose(prod)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_authenticated_pages_are_not_stored(web, world):
    web.login(world.users.speyer)
    assert web.get("/antraege/").headers["Cache-Control"] == "no-store"
