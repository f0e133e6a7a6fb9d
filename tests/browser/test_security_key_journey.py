"""In a real headless Chromium with its virtual authenticator (DevTools protocol, WebAuthn
domain): a reviewer enrols a security key, logs out, logs in with password and key; a
removed key no longer opens the account.

WebAuthn needs a secure context and a domain as relying party id (never an IP address), so
the journey reaches the live server as http://localhost:<port> with RP id `localhost`.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .test_journey import expect_german

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]


@pytest.fixture
def site(live_server):
    """The live server under its localhost name, with the relying party set to match."""
    port = urlsplit(live_server.url).port
    origin = f"http://localhost:{port}"
    live_server.app.config.update(WEBAUTHN_RP_ID="localhost", WEBAUTHN_ORIGIN=origin)
    live_server.url = origin
    return live_server


def add_authenticator(page) -> tuple[object, str]:
    """Attach a virtual USB security key to the page's browser; return the session and its id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    result = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, result["authenticatorId"]


def enter_password(page, site, email: str) -> None:
    page.goto(f"{site.url}/anmelden")
    expect_german(page)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(site.password)
    page.get_by_role("button", name="Anmelden").press("Enter")


def enrol_key(page, name: str) -> None:
    page.get_by_role("link", name="Sicherheitsschlüssel").first.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sicherheitsschlüssel")
    page.get_by_label("Name des Schlüssels").fill(name)
    page.get_by_role("button", name="Schlüssel einrichten").press("Enter")
    expect(page.get_by_role("row", name=name)).to_be_visible()


def test_a_reviewer_enrols_a_key_with_the_virtual_authenticator(page, site, console_errors):
    cdp, authenticator = add_authenticator(page)
    enter_password(page, site, site.users.reviewer.email)
    enrol_key(page, "USB-Schlüssel Büro")
    expect(page.get_by_role("status").first).to_contain_text("eingerichtet")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert console_errors == []
