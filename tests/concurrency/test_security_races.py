"""Security steps raced against gunicorn: the second-factor reset (four eyes) and the
binding of an identity-provider subject at the first single sign-on."""

import oidc_support
import pytest
from conftest import PASSWORD
from gunicorn_support import Browser, serve
from oidc_support import ROLE_MAP, local, sign_in_at_provider, sso_config
from second_factor_support import enrol_totp
from sqlalchemy import select

from antrag.accounts.factor_models import SecondFactorReset, TotpCredential
from antrag.accounts.factor_reset import request_reset
from antrag.accounts.models import User
from antrag.accounts.operations import create_user
from antrag.audit.models import AdminRecord
from antrag.extensions import db

from .conftest import WORKERS, explain, fresh, login_all, race, statuses

pytestmark = pytest.mark.concurrency

# The provider (session) and the app connected to it, from tests/oidc_support.py.
oidc_provider, sso = oidc_support.oidc_provider, oidc_support.sso


def _admins(count: int) -> list[User]:
    return [
        create_user(
            email=f"admin{i}@mdi.rlp.de", name=f"Admin {i}", role="admin", password=PASSWORD
        )
        for i in range(count)
    ]


def _records(object_type: str, object_id: int, fields: tuple) -> list[AdminRecord]:
    return db.session.scalars(
        select(AdminRecord)
        .where(AdminRecord.object_type == object_type, AdminRecord.object_id == object_id)
        .where(AdminRecord.field.in_(fields))
        .order_by(AdminRecord.seq)
    ).all()


# --- the second-factor reset: one admin requests, another confirms --------------------------


def test_two_admins_requesting_one_reset_at_once_open_one(gunicorn, world):
    target = world.users.reviewer
    enrol_totp(target)
    admins = _admins(2)
    names = [a.name for a in admins]
    server = gunicorn()
    browsers = login_all(server.url, admins)
    page = f"/verwaltung/konten/{target.id}/zweiter-faktor"
    for browser in browsers:
        assert browser.get(page).status_code == 200  # the form and its one-time token
    form = {"reason": "Persönlich mit Dienstausweis erkannt."}

    results = race([lambda b=b: b.post(page, form) for b in browsers])

    assert statuses(results) == [302, 422], explain(results, server)
    winner = [r.status_code for r in results].index(302)
    loser_page = next(r.text for r in results if r.status_code == 422)
    assert f"Beantragt von {names[winner]}" in loser_page  # the request that won
    fresh()
    resets = db.session.scalars(
        select(SecondFactorReset).where(SecondFactorReset.user_id == target.id)
    ).all()
    assert len(resets) == 1 and resets[0].is_open
    created = db.session.scalars(
        select(AdminRecord).where(
            AdminRecord.object_type == "second_factor_reset", AdminRecord.field.is_(None)
        )
    ).all()
    assert [r.object_id for r in created] == [resets[0].id]
    assert server.log_text().count("outcome=requested") == 1


def test_confirming_twice_and_cancelling_at_once_close_the_request_once(gunicorn, world):
    target = world.users.reviewer
    enrol_totp(target)
    requester, *confirmers = _admins(3)
    reset = request_reset(requester, target, "Persönlich mit Dienstausweis erkannt.")
    db.session.commit()
    server = gunicorn()
    browsers = login_all(server.url, [requester, *confirmers])
    base = f"/verwaltung/konten/{target.id}/zweiter-faktor"
    for browser in browsers:
        assert browser.get(base).status_code == 200  # a CSRF token for the posts
    cancel = lambda: browsers[0].post(f"{base}/abbrechen", {})  # noqa: E731
    confirms = [lambda b=b: b.post(f"{base}/bestaetigen", {}) for b in browsers[1:]]

    results = race([cancel, *confirms])

    # The winner is redirected to the page; the others find no open request (404).
    assert statuses(results) == [302, 404, 404], explain(results, server)
    fresh()
    row = db.session.get(SecondFactorReset, reset.id)
    assert not row.is_open
    assert (row.confirmed_at is None) != (row.cancelled_at is None)
    closing = _records("second_factor_reset", reset.id, ("confirmed_by_id", "cancelled_at"))
    assert len(closing) == 1, [(r.field, r.new_value) for r in closing]
    log = server.log_text()
    assert log.count("outcome=confirmed") + log.count("outcome=cancelled") == 1, log[-4000:]
    left = db.session.scalars(select(TotpCredential).filter_by(user_id=target.id)).all()
    assert (left == []) == (row.confirmed_at is not None)  # removed only by a confirmation


# --- the first single sign-on: one subject is bound to the account --------------------------

ANNA = "anna.prueferin@mdi.rlp.de"
HOST = {"Host": "antrag.test"}  # the address the provider knows Antrag's callback by


@pytest.fixture
def sso_server(sso, database_uri, tmp_path):
    """gunicorn connected to the test provider, as the `sso` app is."""
    settings = sso_config(sso)
    env = {key: settings[key] for key in settings if key != "OIDC_ROLE_MAP"}
    env["OIDC_ROLE_MAP"] = ";".join(f"{value}={role}" for value, role in ROLE_MAP.items())
    db.session.commit()
    with serve(database_uri, tmp_path / "gunicorn", workers=WORKERS, env_extra=env) as server:
        yield server


def _callback(server, login: str) -> tuple[Browser, str]:
    """Start a sign-on at Antrag, log in at the provider; return the browser and its way back."""
    browser = Browser(server.url)
    browser.http.headers.update(HOST)
    browser.get("/anmelden")
    started = browser.post("/anmelden/dienstkonto", {})
    assert started.status_code == 302, started.text
    return browser, local(sign_in_at_provider(started.headers["Location"], login))


def _bound(email: str) -> tuple:
    fresh()
    found = db.session.scalar(select(User).where(User.email == email))
    return found, (found.oidc_issuer, found.oidc_subject)


def test_two_people_first_logging_in_to_one_account_at_once_bind_one(sso_server, sso):
    # Two people at the provider assert the same verified address (see oidc_support).
    ways = [_callback(sso_server, login) for login in ("anna", "anna-twin")]

    results = race([lambda b=b, path=path: b.get(path) for b, path in ways])

    assert statuses(results) == [302, 403], explain(results, sso_server)
    anna, binding = _bound(ANNA)
    winner = ("anna", "anna-twin")[[r.status_code for r in results].index(302)]
    assert binding == (sso.issuer, winner)
    recorded = _records("user", anna.id, ("oidc_issuer", "oidc_subject"))
    assert [(r.field, r.new_value, r.actor_id) for r in recorded] == [
        ("oidc_issuer", sso.issuer, anna.id),
        ("oidc_subject", winner, anna.id),
    ]
    log = sso_server.log_text()
    assert log.count("action=oidc_subject_bound") == 1, log[-4000:]
    assert log.count("reason=subject_mismatch") == 1


def test_one_person_first_logging_in_twice_at_once_binds_once(sso_server, sso):
    ways = [_callback(sso_server, "anna") for _ in range(2)]

    results = race([lambda b=b, path=path: b.get(path) for b, path in ways])

    assert statuses(results) == [302, 302], explain(results, sso_server)
    anna, binding = _bound(ANNA)
    assert binding == (sso.issuer, "anna")
    assert len(_records("user", anna.id, ("oidc_issuer", "oidc_subject"))) == 2
    assert sso_server.log_text().count("action=oidc_subject_bound") == 1
