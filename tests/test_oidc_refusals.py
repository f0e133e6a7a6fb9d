"""Single sign-on refuses what the protocol forbids: another issuer, another client, an
expired token, a replayed state or nonce, a forged signature, an error answer, a provider out
of reach. Each refusal is a clear page and one line in the security log.

Where a test needs a token Antrag's own request would never get (another client's, another
issuer's, an old one), it takes a real one from the provider and puts it where the token
endpoint's answer goes: what a token-substitution attack or a misbehaving provider would do.
"""

from datetime import timedelta

import oidc_support
import pytest
from oidc_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    local,
    query,
    refusal,
    sign_in_at_provider,
    sso_config,
    start,
    substitute_tokens,
    tokens_for,
    user,
)
from security_support import is_logged_in

from antrag.clock import frozen_at, now

# The provider (session) and the app connected to it, from tests/oidc_support.py.
oidc_provider, sso = oidc_support.oidc_provider, oidc_support.sso


@pytest.mark.database_agnostic
def test_wrong_issuer_configured_is_refused_before_anyone_is_sent(app, oidc_provider, web, caplog):
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


@pytest.mark.database_agnostic
def test_unreachable_provider_gets_a_clear_page(app, oidc_provider, web, caplog):
    app.config.update(sso_config(oidc_provider, OIDC_ISSUER="http://127.0.0.1:9"))
    web.get("/anmelden")
    response = web.post("/anmelden/dienstkonto")
    assert response.status_code == 503
    assert "nicht erreichbar" in response.get_data(as_text=True)
    assert refusal(caplog) == "provider_unreachable"


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
