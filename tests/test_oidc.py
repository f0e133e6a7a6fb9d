"""Single sign-on against a real OpenID Connect provider (oidc-provider, started on loopback).

Antrag fetches discovery, keys and tokens from the provider over HTTP; the tests play the
person's browser at the provider. Where a test needs a token Antrag's own request would
never get (another client's, another issuer's, an old one), it takes a real one from the
provider and puts it where the token endpoint's answer goes: what a token-substitution
attack or a misbehaving provider would do.
"""

from datetime import timedelta

import pytest
from oidc_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    local,
    oidc_provider,  # noqa: F401 (the session fixture)
    query,
    sign_in_at_provider,
    sso_config,
    tokens_for,
)
from security_support import events, is_logged_in

from antrag.accounts import oidc_client
from antrag.accounts.models import User
from antrag.accounts.operations import create_user
from antrag.clock import frozen_at, now
from antrag.extensions import db

REVIEWERS = ("anna.prueferin", "ben.pruefer", "eva.pruefer", "dora.pruefer", "carla.pruefer")


@pytest.fixture
def sso(app, oidc_provider):  # noqa: F811
    """The app connected to the test provider, with one reviewer account per person there."""
    app.config.update(sso_config(oidc_provider))
    for name in REVIEWERS:
        create_user(
            email=f"{name}@mdi.rlp.de",
            name=name.replace(".", " ").title(),
            role="reviewer",
            password="ein-langes-passwort",
            organisation="Ministerium des Innern und für Sport",
        )
    db.session.commit()
    return oidc_provider


def start(web) -> str:
    """Press "Mit Dienstkonto anmelden"; return the provider's address Antrag sends to."""
    page = web.get("/anmelden")
    assert "Mit Dienstkonto anmelden" in page.get_data(as_text=True)
    response = web.post("/anmelden/dienstkonto")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in(web, login: str):
    """Go the whole way: Antrag → provider login → back to Antrag's callback."""
    back = sign_in_at_provider(start(web), login)
    return web.get(local(back))


def refusal(caplog) -> str:
    failures = [e for e in events(caplog, "login") if e.get("via") == "oidc"]
    assert failures and failures[-1]["outcome"] == "failure", failures
    return failures[-1]["reason"]


def substitute_tokens(monkeypatch, tokens: dict) -> None:
    """Let the token endpoint's answer be `tokens` (a real token of the provider)."""
    monkeypatch.setattr(oidc_client, "exchange_code", lambda *args: tokens)


def user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).filter_by(email=email))


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


@pytest.mark.database_agnostic
def test_wrong_issuer_configured_is_refused_before_anyone_is_sent(app, oidc_provider, web, caplog):  # noqa: F811
    issuer = oidc_provider.issuer.replace("127.0.0.1", "localhost")  # the same server
    app.config.update(sso_config(oidc_provider, OIDC_ISSUER=issuer))
    web.get("/anmelden")
    response = web.post("/anmelden/dienstkonto")
    assert response.status_code == 400
    assert "nicht vom eingerichteten Anbieter" in response.get_data(as_text=True)
    assert refusal(caplog) == "wrong_issuer"


def test_token_of_another_issuer_is_refused(sso, web, monkeypatch, caplog):
    url = start(web)
    # The impostor signs with the very same keys: only the issuer tells them apart.
    substitute_tokens(
        monkeypatch,
        tokens_for(
            sso.impostor, "anna", nonce=query(url)["nonce"], client=(CLIENT_ID, CLIENT_SECRET)
        ),
    )
    response = web.get(local(sign_in_at_provider(url, "anna")))
    assert response.status_code == 400
    assert refusal(caplog) == "wrong_issuer"
    assert not is_logged_in(web.client)


def test_authorization_response_naming_another_issuer_is_refused(sso, web, caplog):
    back = sign_in_at_provider(start(web), "anna")
    assert query(back)["iss"] == sso.issuer  # RFC 9207: the provider names itself
    response = web.get(local(back).replace("iss=", "iss=https%3A%2F%2Fevil.example&x="))
    assert response.status_code == 400
    assert refusal(caplog) == "wrong_issuer"


def test_token_for_another_client_is_refused(sso, web, monkeypatch, caplog):
    url = start(web)
    substitute_tokens(monkeypatch, tokens_for(sso.issuer, "anna", nonce=query(url)["nonce"]))
    response = web.get(local(sign_in_at_provider(url, "anna")))
    assert response.status_code == 400
    assert refusal(caplog) == "wrong_audience"
    assert user("anna.prueferin@mdi.rlp.de").oidc_subject is None


def test_expired_token_is_refused(app, sso, web, caplog):
    app.config["OIDC_LOGIN_MINUTES"] = 24 * 60  # only the token's own lifetime decides
    url = start(web)
    back = sign_in_at_provider(url, "anna")
    with frozen_at(now() + timedelta(hours=1)):  # the provider's ID tokens live 10 minutes
        response = web.get(local(back))
    assert response.status_code == 400
    assert refusal(caplog) == "token_expired"
    assert not is_logged_in(web.client)


def test_login_request_that_took_too_long_is_refused(sso, web, caplog):
    back = sign_in_at_provider(start(web), "anna")
    with frozen_at(now() + timedelta(minutes=11)):
        assert web.get(local(back)).status_code == 400
    assert refusal(caplog) == "login_expired"


def test_replayed_state_is_refused_even_with_the_old_cookie(sso, web, caplog):
    back = sign_in_at_provider(start(web), "anna")
    cookie = web.client.get_cookie("session", domain="antrag.test").value
    assert web.get(local(back)).status_code == 302
    web.client.set_cookie("session", cookie, domain="antrag.test")  # the cookie before login
    response = web.get(local(back))
    assert response.status_code == 400
    assert refusal(caplog) == "state_replayed"
    assert not is_logged_in(web.client)


def test_callback_without_the_browsers_state_is_refused(sso, web, make_web, caplog):
    back = sign_in_at_provider(start(web), "anna")
    stranger = make_web()  # another browser: login CSRF
    assert stranger.get(local(back)).status_code == 400
    assert refusal(caplog) == "state_mismatch"


def test_replayed_nonce_is_refused(sso, web, make_web, monkeypatch, caplog):
    first = start(web)
    old = tokens_for(
        sso.issuer, "anna", nonce=query(first)["nonce"], client=(CLIENT_ID, CLIENT_SECRET)
    )
    again = make_web()
    url = start(again)
    substitute_tokens(monkeypatch, old)  # a captured ID token, played into a new login
    response = again.get(local(sign_in_at_provider(url, "anna")))
    assert response.status_code == 400
    assert refusal(caplog) == "nonce_mismatch"


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
def test_unreachable_provider_gets_a_clear_page(app, oidc_provider, web, caplog):  # noqa: F811
    app.config.update(sso_config(oidc_provider, OIDC_ISSUER="http://127.0.0.1:9"))
    web.get("/anmelden")
    response = web.post("/anmelden/dienstkonto")
    assert response.status_code == 503
    assert "nicht erreichbar" in response.get_data(as_text=True)
    assert refusal(caplog) == "provider_unreachable"


@pytest.mark.database_agnostic
def test_forms_may_lead_on_to_the_provider_only(app, oidc_provider, web):  # noqa: F811
    policy = web.get("/anmelden").headers["Content-Security-Policy"]
    assert "form-action 'self';" in policy
    app.config.update(sso_config(oidc_provider))
    policy = web.get("/anmelden").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_logged_in_person_is_sent_on_from_single_sign_on(sso, make_web):
    web = make_web()
    sign_in(web, "anna")
    web.get("/", follow_redirects=True)  # a page of the new session, with its CSRF token
    assert web.post("/anmelden/dienstkonto").headers["Location"] == "/"
    assert web.get("/anmelden/dienstkonto/rueckkehr").headers["Location"] == "/"


def test_token_with_a_forged_signature_is_refused(sso, web, monkeypatch, caplog):
    url = start(web)
    nonce = query(url)["nonce"]
    tokens = tokens_for(sso.issuer, "anna", nonce=nonce, client=(CLIENT_ID, CLIENT_SECRET))
    header, payload, signature = tokens["id_token"].split(".")
    forged = tokens_for(sso.issuer, "eva", nonce=nonce, client=(CLIENT_ID, CLIENT_SECRET))
    tokens["id_token"] = ".".join((header, forged["id_token"].split(".")[1], signature))
    substitute_tokens(monkeypatch, tokens)
    response = web.get(local(sign_in_at_provider(url, "anna")))
    assert response.status_code == 400
    assert refusal(caplog) == "bad_signature"


def test_provider_error_answer_is_refused(sso, web, caplog):
    back = sign_in_at_provider(start(web), "anna")
    state = query(back)["state"]
    response = web.get(f"/anmelden/dienstkonto/rueckkehr?error=access_denied&state={state}")
    assert response.status_code == 400
    assert refusal(caplog) == "provider_error"


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
