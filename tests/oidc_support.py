"""A real OpenID Connect provider for the tests (tests/oidc/provider.mjs, panva's
oidc-provider from npm) and a person's browser at it: following its redirects and filling
its login form, as Antrag's users do at Keycloak or ADFS."""

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from security_support import events

from antrag.accounts import oidc_client
from antrag.accounts.models import User
from antrag.accounts.operations import create_user
from antrag.extensions import db

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider"
ANTRAG = "http://antrag.test"  # the app fixture's SERVER_NAME
REDIRECT_URI = f"{ANTRAG}/anmelden/dienstkonto/rueckkehr"
CLIENT_ID, CLIENT_SECRET = "antrag", "antrag-test-secret"
OTHER_ID, OTHER_SECRET = "other-client", "other-test-secret"
OTHER_REDIRECT = "http://other.test/callback"
ROLE_MAP = {"antrag-pruefung": "reviewer", "antrag-admin": "admin", "antrag-kommune": "applicant"}


def _account(email, *, verified=True, groups=("antrag-pruefung",), amr=("pwd",), acr=None):
    claims = {"email": email, "email_verified": verified, "name": email, "groups": list(groups)}
    return {"password": "provider-pw", "claims": claims, "amr": list(amr), "acr": acr}


# The provider's people (login name → account); the tests create the Antrag accounts.
ACCOUNTS = {
    "anna": _account("anna.prueferin@mdi.rlp.de"),
    "anna-twin": _account("Anna.Prueferin@mdi.rlp.de"),  # same address, another person
    "ben": _account("ben.pruefer@mdi.rlp.de", verified=False),
    "fremd": _account("fremd@mdi.rlp.de"),
    "eva": _account("eva.pruefer@mdi.rlp.de", groups=("antrag-admin",)),
    "dora": _account("dora.pruefer@mdi.rlp.de", groups=("antrag-pruefung", "antrag-admin")),
    "carla": _account("carla.pruefer@mdi.rlp.de", amr=("pwd", "otp")),
}
NO_PROVIDER = (
    "node or oidc-provider missing: the OpenID Connect tests run a real provider from npm; "
    f"install Debian's nodejs and run `npm ci` in {ROOT}"
)


@dataclass
class Provider:
    issuer: str
    impostor: str  # same signing keys, another issuer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """Start the provider on loopback ports; skip without node, but fail in CI."""
    node = shutil.which("node")
    if node is None or not PACKAGE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(NO_PROVIDER)
        pytest.skip(NO_PROVIDER)
    folder = tmp_path_factory.mktemp("oidc")
    client = {"client_secret": CLIENT_SECRET, "redirect_uris": [REDIRECT_URI]}
    client |= {"client_id": CLIENT_ID, "post_logout_redirect_uris": [f"{ANTRAG}/anmelden"]}
    other = {"client_id": OTHER_ID, "client_secret": OTHER_SECRET}
    other |= {"redirect_uris": [OTHER_REDIRECT]}
    settings = {"port": _free_port(), "impostorPort": _free_port()}
    settings |= {"clients": [client, other], "accounts": ACCOUNTS, "idTokenSeconds": 600}
    (folder / "settings.json").write_text(json.dumps(settings))
    with open(folder / "provider.log", "w") as log:
        process = subprocess.Popen(
            [node, str(SCRIPT), str(folder / "settings.json")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"provider did not start: {(folder / 'provider.log').read_text()}")
        started = json.loads(line)
        yield Provider(started["issuer"], started["impostor"])
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def sso_config(provider: Provider, **overrides) -> dict:
    """Return Antrag's settings for the test provider (roles from the `groups` claim)."""
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPES": "openid email profile groups",
        "OIDC_ROLE_CLAIM": "groups",
        "OIDC_ROLE_MAP": ROLE_MAP,
        **overrides,
    }


FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def sign_in_at_provider(url: str, login: str, *, until: str = REDIRECT_URI) -> str:
    """Follow the provider's pages from `url`, log in as `login`; return the redirect to `until`."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=10)
    for _step in range(10):
        location = response.headers.get("Location")
        if location and location.startswith(until):
            return location
        if location:
            response = browser.get(urljoin(response.url, location), allow_redirects=False)
            continue
        match = FORM_ACTION.search(response.text)
        assert match, f"no login form at {response.url}: {response.status_code} {response.text}"
        data = {"login": login, "password": ACCOUNTS[login]["password"]}
        response = browser.post(urljoin(response.url, match.group(1)), data, allow_redirects=False)
    raise AssertionError(f"the provider did not send back to {until}")


def local(url: str) -> str:
    """Return the path and query of an address of Antrag (for the test client)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def tokens_for(issuer: str, login: str, *, nonce: str, client=(OTHER_ID, OTHER_SECRET)) -> dict:
    """Return the provider's real token response for `client`, signed in as `login`.

    A token obtained outside Antrag's own request: what an attacker or a misdirected
    provider could put in front of Antrag (another client's, another issuer's, an old one).
    """
    client_id, secret = client
    redirect = OTHER_REDIRECT if client_id == OTHER_ID else REDIRECT_URI
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect}
    params |= {"scope": "openid email profile groups", "state": "x", "nonce": nonce}
    params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    back = sign_in_at_provider(f"{issuer}/auth?{urlencode(params)}", login, until=redirect)
    response = requests.post(
        f"{issuer}/token",
        data={"grant_type": "authorization_code", "code": query(back)["code"],
              "redirect_uri": redirect, "code_verifier": verifier},
        auth=(client_id, secret),
        timeout=10,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


# --- Antrag's side: the app connected to the provider, and a person going through it ----

REVIEWERS = ("anna.prueferin", "ben.pruefer", "eva.pruefer", "dora.pruefer", "carla.pruefer")


@pytest.fixture
def sso(app, oidc_provider):
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
