"""Security keys: the server side of signing in with a key, and removing keys."""

import pytest
from security_support import events
from sqlalchemy import select
from webauthn_support import SoftKey, enrol

from antrag.extensions import db
from antrag.security_keys import ceremonies
from antrag.security_keys.ceremonies import KeyRefused
from antrag.security_keys.models import WebAuthnCredential

# The subject (WebAuthn ceremonies and their signatures) does not depend on the database: SQLite only.
pytestmark = pytest.mark.database_agnostic

PAGE = "/konto/sicherheitsschluessel"


@pytest.fixture(autouse=True)
def relying_party_of_the_test_server(app):
    app.config.update(WEBAUTHN_RP_ID="antrag.test", WEBAUTHN_ORIGIN="http://antrag.test")


@pytest.fixture
def owner(make_web, world):
    """The reviewer's browser, logged in, which enrolled one key."""
    web = make_web(world.users.reviewer)
    web.key = SoftKey()
    assert enrol(web, web.key).status_code == 200
    return web


@pytest.fixture
def enrolled(owner) -> SoftKey:
    return owner.key


def sign_in(app, user, key, **answer):
    """Run both steps of the sign-in ceremony in one session; return the key row used."""
    with app.test_request_context():
        options = ceremonies.authentication_options(user)
        try:
            return ceremonies.authenticate(user, key.get(options, **answer))
        finally:
            db.session.commit()  # as the view does: a used challenge stays used


def stored(key: SoftKey) -> WebAuthnCredential:
    db.session.expire_all()
    return db.session.scalar(
        select(WebAuthnCredential).where(WebAuthnCredential.credential_id == key.id)
    )


def test_a_key_signs_in_and_its_counter_rises(app, world, enrolled, caplog):
    used = sign_in(app, world.users.reviewer, enrolled)
    assert used.id == stored(enrolled).id
    assert (stored(enrolled).sign_count, stored(enrolled).last_used_at is not None) == (1, True)
    sign_in(app, world.users.reviewer, enrolled)
    assert stored(enrolled).sign_count == 2
    assert [e["outcome"] for e in events(caplog, "webauthn_authenticate")] == ["success"] * 2


def test_the_options_allow_only_the_users_keys(app, world, enrolled):
    with app.test_request_context():
        options = ceremonies.authentication_options(world.users.reviewer)
    assert [c["id"] for c in options["allowCredentials"]] == [enrolled.id]
    assert options["rpId"] == "antrag.test"


def test_a_sign_count_that_does_not_rise_is_refused_and_logged(app, world, enrolled, caplog):
    sign_in(app, world.users.reviewer, enrolled, count=5)
    with pytest.raises(KeyRefused, match="Zähler"):
        sign_in(app, world.users.reviewer, enrolled, count=5)  # a clone replays the count
    with pytest.raises(KeyRefused):
        sign_in(app, world.users.reviewer, enrolled, count=3)
    assert stored(enrolled).sign_count == 5
    logged = events(caplog, "webauthn_sign_count")
    assert [(e["outcome"], e["stored"], e["received"]) for e in logged] == [
        ("refused", 5, 5),
        ("refused", 5, 3),
    ]


def test_a_key_that_keeps_no_counter_may_always_send_zero(app, world, enrolled):
    sign_in(app, world.users.reviewer, enrolled, count=0)
    sign_in(app, world.users.reviewer, enrolled, count=0)
    assert stored(enrolled).sign_count == 0


def test_an_unknown_key_is_refused(app, world, enrolled, caplog):
    with pytest.raises(KeyRefused, match="nicht erkannt"):
        sign_in(app, world.users.reviewer, SoftKey())
    assert events(caplog, "webauthn_authenticate")[-1]["reason"] == "unknown_key"


def test_another_persons_key_is_refused(app, make_web, world, enrolled):
    theirs = SoftKey()
    enrol(make_web(world.users.reviewer2), theirs)
    with pytest.raises(KeyRefused, match="nicht erkannt"):
        sign_in(app, world.users.reviewer, theirs)


def test_a_forged_signature_is_refused(app, world, enrolled):
    impostor = SoftKey()
    impostor.credential_id = enrolled.credential_id  # same id, another private key
    with pytest.raises(KeyRefused, match="nicht erkannt"):
        sign_in(app, world.users.reviewer, impostor)
    assert stored(enrolled).sign_count == 0


def test_an_answer_from_another_origin_is_refused(app, world, enrolled):
    with pytest.raises(KeyRefused):
        sign_in(app, world.users.reviewer, enrolled, origin="https://phishing.example")


def test_an_assertion_cannot_be_replayed(app, world, enrolled):
    user = world.users.reviewer
    with app.test_request_context():
        answer = enrolled.get(ceremonies.authentication_options(user))
        ceremonies.authenticate(user, answer)
        with pytest.raises(KeyRefused, match="abgelaufen"):
            ceremonies.authenticate(user, answer)


def test_without_keys_there_is_nothing_to_sign_in_with(app, world):
    with app.test_request_context(), pytest.raises(KeyRefused, match="kein Sicherheitsschlüssel"):
        ceremonies.authentication_options(world.users.reviewer)


# Removal


def test_a_city_removes_its_only_key_its_role_needs_none(make_web, world, caplog):
    web, key = make_web(world.users.speyer), SoftKey()
    enrol(web, key)
    web.get(PAGE)
    response = web.post(f"{PAGE}/{stored(key).id}/entfernen")
    assert response.status_code == 302
    assert stored(key) is None
    assert events(caplog, "webauthn_remove")[-1]["outcome"] == "success"


def test_someone_elses_key_is_404(make_web, world, enrolled):
    web = make_web(world.users.reviewer2)
    web.get(PAGE)
    assert web.post(f"{PAGE}/{stored(enrolled).id}/entfernen").status_code == 404
    assert stored(enrolled) is not None


def test_the_last_factor_of_a_role_that_needs_one_stays(owner):
    spare = SoftKey()
    enrol(owner, spare)
    owner.get(PAGE)
    assert owner.post(f"{PAGE}/{stored(spare).id}/entfernen").status_code == 302
    owner.get(PAGE)
    refused = owner.post(f"{PAGE}/{stored(owner.key).id}/entfernen", follow_redirects=True)
    assert "letzter zweiter Faktor" in refused.get_data(as_text=True)
    assert stored(owner.key) is not None


def test_an_admin_reset_removes_the_keys(app, world, enrolled):
    from antrag.accounts.second_factor import METHODS

    assert METHODS["webauthn"].remove(world.users.reviewer) == 1
    assert stored(enrolled) is None
