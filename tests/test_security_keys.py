"""Security keys (WebAuthn): enrolment on the key page, the server side of sign-in, removal.

A software authenticator (tests/webauthn_support.py) answers the ceremonies, so that
py_webauthn verifies real signatures; the browser journey is in tests/browser.
"""

import re
from datetime import timedelta

import pytest
from security_support import events
from sqlalchemy import select
from webauthn_support import SoftKey, enrol, post_json

from antrag.clock import frozen_at, now
from antrag.extensions import db
from antrag.security_keys.models import WebAuthnCredential
from antrag.security_keys.relying_party import relying_party

# The subject (WebAuthn ceremonies and their signatures) does not depend on the database: SQLite only.
pytestmark = pytest.mark.database_agnostic

PAGE = "/konto/sicherheitsschluessel"


@pytest.fixture(autouse=True)
def relying_party_of_the_test_server(app):
    app.config.update(WEBAUTHN_RP_ID="antrag.test", WEBAUTHN_ORIGIN="http://antrag.test")


def keys_of(user) -> list[WebAuthnCredential]:
    db.session.expire_all()
    query = select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
    return list(db.session.scalars(query.order_by(WebAuthnCredential.id)))


# Enrolment through the page


def test_a_reviewer_enrols_two_keys(make_web, world, caplog):
    web = make_web(world.users.reviewer)
    first, second = SoftKey(), SoftKey()
    response = enrol(web, first)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"].endswith(PAGE)
    assert enrol(web, second, "Ersatzschlüssel").status_code == 200
    keys = keys_of(world.users.reviewer)
    assert [(k.name, k.credential_id, k.transports) for k in keys] == [
        ("USB-Schlüssel Büro", first.id, "usb"),
        ("Ersatzschlüssel", second.id, "usb"),
    ]
    page = web.get(PAGE).get_data(as_text=True)
    assert "USB-Schlüssel Büro" in page and "Ersatzschlüssel" in page
    assert len(events(caplog, "webauthn_register")) == 2


def test_the_options_exclude_the_keys_already_enrolled(make_web, world):
    web = make_web(world.users.reviewer)
    key = SoftKey()
    enrol(web, key)
    options = post_json(web, f"{PAGE}/optionen").get_json()
    assert [c["id"] for c in options["excludeCredentials"]] == [key.id]
    assert options["rp"] == {"id": "antrag.test", "name": "Antrag"}
    assert options["user"]["name"] == world.users.reviewer.email


def test_a_registration_answer_cannot_be_replayed(make_web, world, caplog):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    options = post_json(web, f"{PAGE}/optionen").get_json()
    answer = SoftKey().create(options)
    assert post_json(web, PAGE, {"name": "A", "credential": answer}).status_code == 200
    replay = post_json(web, PAGE, {"name": "B", "credential": answer})
    assert replay.status_code == 422
    assert "abgelaufen" in replay.get_json()["error"]
    assert len(keys_of(world.users.reviewer)) == 1
    assert events(caplog, "webauthn_register")[-1]["outcome"] == "refused"


def test_a_challenge_expires(make_web, world):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    options = post_json(web, f"{PAGE}/optionen").get_json()
    with frozen_at(now() + timedelta(seconds=301)):
        response = post_json(web, PAGE, {"name": "A", "credential": SoftKey().create(options)})
    assert response.status_code == 422
    assert keys_of(world.users.reviewer) == []


def test_a_challenge_is_bound_to_its_session(make_web, world):
    """Another browser of the same person cannot answer the first browser's challenge."""
    first, second = make_web(world.users.reviewer), make_web(world.users.reviewer)
    first.get(PAGE)
    second.get(PAGE)
    options = post_json(first, f"{PAGE}/optionen").get_json()
    answer = SoftKey().create(options)
    assert post_json(second, PAGE, {"name": "A", "credential": answer}).status_code == 422
    assert post_json(first, PAGE, {"name": "A", "credential": answer}).status_code == 200


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"origin": "https://boese.example"}, 422),
        ({"rp_id": "boese.example"}, 422),
    ],
)
def test_an_answer_for_another_site_is_refused(make_web, world, change, expected):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    options = post_json(web, f"{PAGE}/optionen").get_json()
    answer = SoftKey().create(options, **change)
    response = post_json(web, PAGE, {"name": "A", "credential": answer})
    assert response.status_code == expected
    assert "nicht eingerichtet" in response.get_json()["error"]
    assert keys_of(world.users.reviewer) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "  ", "credential": {}}, "Namen"),
        ({"name": "x" * 101, "credential": {}}, "höchstens 100"),
        ({"name": "A", "credential": {"id": 1, "response": "kaputt"}}, "abgelaufen"),
        ({"name": "A", "credential": "kein json"}, "abgelaufen"),
    ],
)
def test_bad_enrolment_input_gets_a_german_answer(make_web, world, body, message):
    web = make_web(world.users.reviewer)
    response = post_json(web, PAGE, body)
    assert response.status_code == 422
    assert message in response.get_json()["error"]


def test_a_malformed_answer_to_a_live_challenge_is_refused(make_web, world):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    post_json(web, f"{PAGE}/optionen")
    response = post_json(web, PAGE, {"name": "A", "credential": {"id": 1, "response": "x"}})
    assert (response.status_code, response.get_json()["error"]) == (
        422,
        "Der Sicherheitsschlüssel konnte nicht eingerichtet werden.",
    )


def test_a_body_that_is_not_json_is_400(make_web, world):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    response = web.client.post(PAGE, data="x", headers={"X-CSRFToken": web.token})
    assert response.status_code == 400


NO_SCRIPT = "Ein Sicherheitsschlüssel funktioniert nur mit JavaScript"


def test_without_javascript_the_page_explains_instead_of_offering_the_button(make_web, world):
    page = make_web(world.users.reviewer).get(PAGE).get_data(as_text=True)
    assert re.search(r"<button [^>]*data-needs-script hidden>Schlüssel einrichten", page)
    assert re.search(r"<noscript>.*Authenticator-App einrichten.*</noscript>", page, re.S)


def test_the_enrol_form_sent_without_javascript_gets_a_german_page(make_web, world):
    web = make_web(world.users.reviewer)
    web.get(PAGE)
    response = web.post(PAGE, {"name": "USB-Schlüssel Büro"})
    assert (response.status_code, response.headers["Location"]) == (303, PAGE)
    page = web.get(PAGE).get_data(as_text=True)
    assert NO_SCRIPT in page
    assert keys_of(world.users.reviewer) == []


def test_the_same_key_cannot_be_enrolled_twice(make_web, world):
    key = SoftKey()
    assert enrol(make_web(world.users.reviewer), key).status_code == 200
    again = enrol(make_web(world.users.reviewer2), key)
    assert again.status_code == 422
    assert "bereits" in again.get_json()["error"]


def test_a_json_post_without_csrf_token_is_refused(make_web, world):
    web = make_web(world.users.reviewer)
    assert web.client.post(f"{PAGE}/optionen", json={}).status_code == 400


def test_the_relying_party_follows_public_url_unless_configured(app):
    app.config.update(
        PUBLIC_URL="https://antrag.mdi.rlp.de/", WEBAUTHN_RP_ID=None, WEBAUTHN_ORIGIN=None
    )
    rp = relying_party()
    assert (rp.id, rp.origin, rp.name) == (
        "antrag.mdi.rlp.de",
        "https://antrag.mdi.rlp.de",
        "Antrag",
    )
    app.config.update(WEBAUTHN_RP_ID="mdi.rlp.de", WEBAUTHN_ORIGIN="https://antrag.mdi.rlp.de")
    assert (relying_party().id, relying_party().origin) == (
        "mdi.rlp.de",
        "https://antrag.mdi.rlp.de",
    )
