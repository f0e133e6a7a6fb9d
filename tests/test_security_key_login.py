"""A security key as the second factor: the login's second step and the step-up."""

from datetime import timedelta

import pytest
from funding_support import notice_of
from security_support import events, is_logged_in
from webauthn_support import SoftKey, enrol, key_step, login_with_key, password_step, post_json

from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db

# The subject (WebAuthn ceremonies and their signatures) does not depend on the database: SQLite only.
pytestmark = pytest.mark.database_agnostic

PAGE = "/konto/sicherheitsschluessel"


@pytest.fixture(autouse=True)
def relying_party_of_the_test_server(app):
    app.config.update(WEBAUTHN_RP_ID="antrag.test", WEBAUTHN_ORIGIN="http://antrag.test")


@pytest.fixture
def key(make_web, world) -> SoftKey:
    """A key the reviewer enrolled (in another browser, which stays logged in)."""
    enrolled = SoftKey()
    assert enrol(make_web(world.users.reviewer), enrolled).status_code == 200
    return enrolled


def test_the_login_asks_for_the_key_after_the_password(make_web, world, key, caplog):
    web = make_web()
    password_step(web, world.users.reviewer)
    assert not is_logged_in(web.client)
    page = web.get("/anmelden/zweiter-faktor").get_data(as_text=True)
    assert "Mit Sicherheitsschlüssel bestätigen" in page
    assert "webauthn.js" in page
    response = key_step(web, key)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"redirect": "/"}
    assert is_logged_in(web.client)
    assert events(caplog, "login")[-1]["second_factor"] == "webauthn"


def test_the_login_returns_to_the_page_asked_for(make_web, world, key):
    web = make_web()
    web.get("/anmelden")
    web.post("/anmelden?next=/pruefung/", {"email": world.users.reviewer.email, "password": "x"})
    password_step(web, world.users.reviewer)
    assert key_step(web, key).get_json()["redirect"] in ("/", "/pruefung/")


@pytest.mark.parametrize("which", ["unknown", "removed"])
def test_a_wrong_or_removed_key_does_not_log_in(make_web, world, key, which):
    used = SoftKey()
    if which == "removed":  # enrol a spare key, then remove the first one
        owner = make_web()
        login_with_key(owner, world.users.reviewer, key)
        assert enrol(owner, SoftKey(), "Ersatz").status_code == 200
        owner.get(PAGE)
        key_id = owner.get(PAGE) and _id_of(key)
        assert owner.post(f"{PAGE}/{key_id}/entfernen").status_code == 302
        used = key
    web = make_web()
    password_step(web, world.users.reviewer)
    refused = key_step(web, used)
    assert (refused.status_code, refused.get_json()["error"]) == (
        422,
        "Der Sicherheitsschlüssel wurde nicht erkannt.",
    )
    assert not is_logged_in(web.client)


def _id_of(key: SoftKey) -> int:
    from sqlalchemy import select

    from antrag.security_keys.models import WebAuthnCredential

    query = select(WebAuthnCredential.id).where(WebAuthnCredential.credential_id == key.id)
    return db.session.scalar(query)


def test_the_key_step_sent_without_javascript_gets_a_german_page(make_web, world, key):
    web = make_web()
    password_step(web, world.users.reviewer)
    page = web.get("/anmelden/zweiter-faktor").get_data(as_text=True)
    assert 'aria-describedby="key-login-hint" data-needs-script hidden>' in page
    assert "<noscript>" in page and "Wiederherstellungscode" in page
    response = web.post("/anmelden/zweiter-faktor/sicherheitsschluessel", {})
    assert (response.status_code, response.headers["Location"]) == (303, "/anmelden/zweiter-faktor")
    page = web.get("/anmelden/zweiter-faktor").get_data(as_text=True)
    assert "Ein Sicherheitsschlüssel funktioniert nur mit JavaScript" in page
    assert not is_logged_in(web.client)
    assert key_step(web, key).status_code == 200  # the script's way still works


def test_without_a_pending_login_the_key_step_is_expired(make_web):
    web = make_web()
    web.get("/anmelden")
    response = post_json(web, "/anmelden/zweiter-faktor/sicherheitsschluessel/optionen")
    assert response.status_code == 401
    assert response.get_json()["redirect"] == "/anmelden"


def test_a_pending_login_expires(app, make_web, world, key):
    web = make_web()
    password_step(web, world.users.reviewer)
    minutes = app.config["SECOND_FACTOR_PENDING_MINUTES"]
    with frozen_at(utcnow() + timedelta(minutes=minutes + 1)):
        assert key_step_status(web) == 401
    assert not is_logged_in(web.client)


def key_step_status(web) -> int:
    return post_json(web, "/anmelden/zweiter-faktor/sicherheitsschluessel/optionen").status_code


def test_a_further_key_needs_a_recent_step_up(make_web, world, key):
    web = make_web()
    login_with_key(web, world.users.reviewer, key)
    with frozen_at(utcnow() + timedelta(minutes=16)):
        web.get(PAGE)
        refused = post_json(web, f"{PAGE}/optionen")
        assert refused.status_code == 401
        assert refused.get_json()["redirect"].startswith("/anmelden/zweiter-faktor")
        assert key_step(web, key, PAGE).get_json() == {"redirect": PAGE}
        assert enrol(web, SoftKey(), "Ersatz").status_code == 200


def test_signing_after_a_step_up_with_the_key(make_web, world, make_application, key):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    web = make_web()
    login_with_key(web, world.users.reviewer, key)
    with frozen_at(utcnow() + timedelta(minutes=16)):
        web.get(f"/bescheide/{notice.id}")
        form = {"trigger": "issue", "version": "1", "input_posted_on": ""}
        refused = web.post(f"/bescheide/{notice.id}/aktion", form)
        assert refused.headers["Location"].startswith("/anmelden/zweiter-faktor")
        page = web.get(refused.headers["Location"]).get_data(as_text=True)
        assert "Mit Sicherheitsschlüssel bestätigen" in page
        assert 'name="trigger" value="issue"' in page  # the kept form, in the key's form too
        passed = key_step(web, key)
        assert passed.get_json() == {"resubmit": f"/bescheide/{notice.id}/aktion"}
        done = web.post(passed.get_json()["resubmit"], form)
    assert done.status_code == 302
    db.session.expire_all()
    assert notice.case.state == "issued"
