"""Talking to the identity provider (OpenID Connect): discovery, the authorization request
with PKCE, the code exchange and every check of the ID token.

Authlib builds the requests and validates the claims; joserfc checks the signature against
the provider's published keys. Whatever is wrong ends in `OidcRefused` with a short reason
for the security log; the view turns it into a page, never a 500.
Sources: OpenID Connect Core 1.0 § 3.1.3.7 (ID token validation), OpenID Connect Discovery
1.0 § 4.3 (the issuer in the discovery document must equal the configured one), RFC 7636
(PKCE), RFC 9207 (the `iss` parameter of the authorization response).
"""

import logging
import time
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask import current_app
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from ..clock import now

logger = logging.getLogger(__name__)
METADATA_SECONDS = 3600  # discovery and keys are fetched again after an hour (or a new kid)
# Only asymmetric signatures: the provider's published keys decide, never a shared secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLAIM_REASONS = {
    "iss": "wrong_issuer",
    "aud": "wrong_audience",
    "azp": "wrong_audience",
    "nonce": "nonce_mismatch",
}
_cache: dict[str, tuple[float, dict]] = {}


class OidcRefused(Exception):
    """A sign-in through the provider that must not succeed; `reason` goes to the log."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def enabled(config) -> bool:
    """Return whether single sign-on is configured."""
    return all(config.get(k) for k in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"))


def provider_origin(config) -> str | None:
    """Return the provider's origin (scheme, host, port) if single sign-on is configured."""
    if not enabled(config):
        return None
    parts = urlsplit(config["OIDC_ISSUER"])
    return f"{parts.scheme}://{parts.netloc}"


def _get_json(url: str) -> dict:
    timeout = current_app.config["OIDC_TIMEOUT_SECONDS"]
    try:
        response = requests.get(url, timeout=timeout, allow_redirects=False)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcRefused("provider_unreachable", f"{url}: {type(error).__name__}") from error


def metadata(*, refresh: bool = False) -> dict:
    """Return the provider's discovery document (cached), with its keys under `jwks`."""
    issuer = current_app.config["OIDC_ISSUER"]
    cached = _cache.get(issuer)
    if cached and not refresh and time.monotonic() - cached[0] < METADATA_SECONDS:
        return cached[1]
    document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise OidcRefused("wrong_issuer", f"discovery names {document.get('issuer')!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise OidcRefused("provider_misconfigured", f"no {key}")
    document["jwks"] = _get_json(document["jwks_uri"])
    _cache[issuer] = (time.monotonic(), document)
    return document


def _client(redirect_uri: str) -> OAuth2Session:
    config = current_app.config
    return OAuth2Session(
        config["OIDC_CLIENT_ID"],
        config["OIDC_CLIENT_SECRET"],
        scope=config["OIDC_SCOPES"],
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
    )


def authorization_url(redirect_uri: str, *, state: str, nonce: str, verifier: str) -> str:
    """Return the provider's login address for this request (code flow, PKCE S256)."""
    endpoint = metadata()["authorization_endpoint"]
    url, _state = _client(redirect_uri).create_authorization_url(
        endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    return url


def exchange_code(redirect_uri: str, code: str, verifier: str) -> dict:
    """Exchange the authorization code for the provider's tokens (with the PKCE verifier)."""
    endpoint = metadata()["token_endpoint"]
    client = _client(redirect_uri)
    try:
        return dict(
            client.fetch_token(
                endpoint,
                code=code,
                code_verifier=verifier,
                timeout=current_app.config["OIDC_TIMEOUT_SECONDS"],
            )
        )
    except AuthlibBaseError as error:
        raise OidcRefused("code_refused", error.error or "") from error
    except (requests.RequestException, ValueError) as error:
        raise OidcRefused("provider_unreachable", type(error).__name__) from error
    finally:
        client.close()


def _decode(id_token: str):
    """Check the signature with the provider's keys (fetched again once for an unknown key)."""
    registry = JWSRegistry(algorithms=list(ALGORITHMS), strict_check_header=False)
    for refresh in (False, True):
        try:
            keys = KeySet.import_key_set(metadata(refresh=refresh)["jwks"])
            return jwt.decode(id_token, keys, registry=registry)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            if refresh:
                raise OidcRefused("bad_signature", type(error).__name__) from error
    raise AssertionError("unreachable")


def validate_id_token(tokens: dict, nonce: str) -> dict:
    """Return the ID token's claims if issuer, audience, time, nonce and signature fit."""
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise OidcRefused("no_id_token")
    decoded = _decode(id_token)
    config = current_app.config
    options = {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
        "sub": {"essential": True},
    }
    params = {"nonce": nonce, "client_id": config["OIDC_CLIENT_ID"]}
    if tokens.get("access_token"):
        params["access_token"] = tokens["access_token"]
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    try:
        claims.validate(now=int(now().timestamp()), leeway=config["OIDC_CLOCK_SKEW_SECONDS"])
    except ExpiredTokenError as error:
        raise OidcRefused("token_expired") from error
    except (InvalidClaimError, MissingClaimError) as error:
        claim = getattr(error, "claim", "") or ""
        reason = CLAIM_REASONS.get(claim, "bad_claim")
        raise OidcRefused(reason, claim) from error
    except JoseError as error:
        raise OidcRefused("bad_claim", error.error) from error
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise OidcRefused("bad_claim", "sub")
    return dict(claims)


def logout_url(post_logout_redirect_uri: str) -> str | None:
    """Return the provider's RP-initiated logout address, or None if it offers none."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except OidcRefused:
        return None
    if not isinstance(endpoint, str):
        return None
    from authlib.common.urls import add_params_to_uri

    params = {
        "client_id": current_app.config["OIDC_CLIENT_ID"],
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    return add_params_to_uri(endpoint, params)
