"""Single sign-on against a real OpenID Connect provider (oidc-provider, started on loopback):
the way in, who gets in, and what a login through the provider counts for.

Antrag fetches discovery, keys and tokens from the provider over HTTP; the tests play the
person's browser at the provider (tests/oidc_support.py). The protocol's refusals are in
tests/test_oidc_refusals.py.
"""

from datetime import timedelta

import oidc_support
import pytest
from oidc_support import (
    CLIENT_ID,
    local,
    query,
    refusal,
    sign_in,
    sign_in_at_provider,
    sso_config,
    start,
    user,
)
from second_factor_support import pass_second_factor
from security_support import events, is_logged_in
from sqlalchemy import select

from antrag.audit.models import AdminRecord
from antrag.audit.record import verify
from antrag.clock import now
from antrag.extensions import db

# The provider (session) and the app connected to it, from tests/oidc_support.py.
oidc_provider, sso = oidc_support.oidc_provider, oidc_support.sso


def test_happy_path_logs_in_binds_the_subject_and_logs_out_at_the_provider(sso, web, caplog):
    url = start(web)
    params = query(url)
    assert url.startswith(f"{sso.issuer}/auth?")
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["client_id"] == CLIENT_ID and params["nonce"] and params["state"]
    response = web.get(local(sign_in_at_provider(url, "anna")))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(web.client)
    anna = user("anna.prueferin@mdi.rlp.de")
    assert (anna.oidc_issuer, anna.oidc_subject) == (sso.issuer, "anna")
    assert anna.role == "reviewer" and anna.last_login_at is not None
    login = events(caplog, "login")[-1]
    assert (login["outcome"], login["via"], login["second_factor"]) == ("success", "oidc", "-")
    web.get("/", follow_redirects=True)
    response = web.logout()
    assert response.headers["Location"].startswith(f"{sso.issuer}/session/end?")
    assert query(response.headers["Location"])["client_id"] == CLIENT_ID
    assert not is_logged_in(web.client)


def test_the_binding_is_in_the_administration_record_made_by_the_account(sso, web, make_web):
    sign_in(web, "anna")
    sign_in(make_web(), "anna")  # a later login binds nothing more
    anna = user("anna.prueferin@mdi.rlp.de")

    recorded = db.session.scalars(
        select(AdminRecord)
        .where(AdminRecord.object_type == "user", AdminRecord.object_id == anna.id)
        .where(AdminRecord.field.in_(("oidc_issuer", "oidc_subject")))
        .order_by(AdminRecord.seq)
    ).all()
    assert [(r.field, r.old_value, r.new_value) for r in recorded] == [
        ("oidc_issuer", None, sso.issuer),
        ("oidc_subject", None, "anna"),
    ]
    assert {(r.actor_id, r.actor_name) for r in recorded} == {
        (anna.id, f"{anna.name} <{anna.email}>")
    }
    assert verify()[1] is None


def test_a_second_login_must_name_the_same_subject(sso, web, make_web, caplog):
    sign_in(web, "anna")
    other = make_web()
    response = sign_in(other, "anna-twin")  # the same verified address, another `sub`
    assert response.status_code == 403
    assert "mit einer anderen Person" in response.get_data(as_text=True)
    assert refusal(caplog) == "subject_mismatch"
    assert not is_logged_in(other.client)


@pytest.mark.database_agnostic
def test_login_page_offers_single_sign_on_only_when_configured(app, web):
    assert "Mit Dienstkonto anmelden" not in web.get("/anmelden").get_data(as_text=True)
    assert web.post("/anmelden/dienstkonto").status_code == 404
    assert web.get("/anmelden/dienstkonto/rueckkehr?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("login", "reason", "text"),
    [
        ("fremd", "unknown_account", "kein Konto"),
        ("ben", "email_unverified", "keine bestätigte E-Mail-Adresse"),
        ("eva", "role_mismatch", "Rollen vergibt nur die Administration"),
    ],
)
def test_account_refusals(sso, web, caplog, login, reason, text):
    response = sign_in(web, login)
    assert response.status_code == 403
    assert text in response.get_data(as_text=True)
    assert refusal(caplog) == reason
    assert not is_logged_in(web.client)


def test_role_claim_never_elevates(sso, web, caplog):
    """The provider says reviewer and admin: the person logs in with Antrag's reviewer role."""
    assert sign_in(web, "dora").status_code == 302
    dora = user("dora.pruefer@mdi.rlp.de")
    assert dora.role == "reviewer"
    pass_second_factor(web.client, dora)  # else the reviewer is held at the enrolment
    assert web.get("/verwaltung/").status_code == 403
    limited = events(caplog, "login_role_claim")[-1]
    assert (limited["outcome"], limited["ignored"]) == ("limited", "admin")


def test_inactive_account_is_refused(sso, web, caplog):
    anna = user("anna.prueferin@mdi.rlp.de")
    anna.active = False
    db.session.commit()
    assert sign_in(web, "anna").status_code == 403
    assert refusal(caplog) == "inactive"


def test_second_factor_counts_only_when_the_provider_asserts_it(app, sso, make_web, caplog):
    sign_in(make_web(), "carla")  # amr: pwd, otp
    assert events(caplog, "login")[-1]["second_factor"] == "oidc:amr"
    sign_in(make_web(), "anna")  # amr: pwd
    assert events(caplog, "login")[-1]["second_factor"] == "-"
    app.config["OIDC_MFA_AMR"] = ()
    sign_in(make_web(), "carla")
    assert events(caplog, "login")[-1]["second_factor"] == "-"


@pytest.mark.database_agnostic
def test_forms_may_lead_on_to_the_provider_only(app, oidc_provider, web):
    policy = web.get("/anmelden").headers["Content-Security-Policy"]
    assert "form-action 'self';" in policy
    app.config.update(sso_config(oidc_provider))
    policy = web.get("/anmelden").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_logged_in_person_is_sent_on_from_single_sign_on(sso, make_web):
    web = make_web()
    sign_in(web, "anna")
    pass_second_factor(web.client, user("anna.prueferin@mdi.rlp.de"))
    web.get("/", follow_redirects=True)  # a page of the new session, with its CSRF token
    assert web.post("/anmelden/dienstkonto").headers["Location"] == "/"
    assert web.get("/anmelden/dienstkonto/rueckkehr").headers["Location"] == "/"


def test_purge_deletes_old_login_requests_and_their_replay_stays_refused(sso, web, caplog):
    from antrag.network.retention import purge

    back = sign_in_at_provider(start(web), "anna")
    cookie = web.client.get_cookie("session", domain="antrag.test").value
    assert web.get(local(back)).status_code == 302
    assert purge(now() + timedelta(minutes=11))["sso_logins"] == 1
    db.session.commit()
    web.client.set_cookie("session", cookie, domain="antrag.test")
    assert web.get(local(back)).status_code == 400
    assert refusal(caplog) == "state_unknown"
