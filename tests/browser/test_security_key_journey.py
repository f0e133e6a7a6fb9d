"""In a real headless Chromium with its virtual authenticator (DevTools protocol, WebAuthn
domain): a reviewer enrols a security key, logs out, logs in with password and key; a
removed key no longer opens the account.

WebAuthn needs a secure context and a domain as relying party id (never an IP address), so
the journey reaches the live server as http://localhost:<port> with RP id `localhost`.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .test_journey import expect_german, log_out

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
    """Open the key page from "Zweiter Faktor" and enrol the authenticator in hand."""
    page.get_by_role("link", name="Zweiter Faktor").first.press("Enter")
    page.get_by_role("link", name="Sicherheitsschlüssel verwalten").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sicherheitsschlüssel")
    page.get_by_label("Name des Schlüssels").fill(name)
    ceremony_ready(page)
    page.get_by_role("button", name="Schlüssel einrichten").press("Enter")
    expect(page.get_by_role("row", name=name)).to_be_visible()


def confirm_with_key(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden: zweiter Faktor")
    ceremony_ready(page)
    page.get_by_role("button", name="Mit Sicherheitsschlüssel bestätigen").press("Enter")


def ceremony_ready(page) -> None:
    """Wait for webauthn.js (deferred) to take over the form's submit, on DOMContentLoaded.

    `press` waits for nothing: on a loaded machine the heading can be there while the
    document still parses, and the button would send the form without the ceremony."""
    page.wait_for_load_state("domcontentloaded")


def test_enrol_log_out_and_log_in_with_password_and_key(page, site, console_errors):
    """The reviewer's role needs a second factor: held at the enrolment, they enrol a key."""
    cdp, first = add_authenticator(page)
    enter_password(page, site, site.users.reviewer.email)
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor"))
    enrol_key(page, "USB-Schlüssel Büro")
    expect(page.get_by_role("status").first).to_contain_text("eingerichtet")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": first})["credentials"]
    assert len(stored) == 1

    log_out(page)
    enter_password(page, site, site.users.reviewer.email)
    confirm_with_key(page)
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/anmelden"))

    # A second key on another authenticator; then the first one is removed.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    cdp, second = add_authenticator(page)
    enrol_key(page, "Ersatzschlüssel")
    page.get_by_role("row", name="USB-Schlüssel Büro").get_by_role("button").press("Enter")
    expect(page.get_by_role("row", name="USB-Schlüssel Büro")).to_have_count(0)
    log_out(page)

    # The removed key (its authenticator plugged in again) no longer opens the account.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": second})
    cdp, again = add_authenticator(page)
    cdp.send("WebAuthn.addCredential", {"authenticatorId": again, "credential": stored[0]})
    enter_password(page, site, site.users.reviewer.email)
    confirm_with_key(page)
    expect(page.get_by_role("alert").filter(has_text="abgebrochen")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/anmelden/zweiter-faktor"))
    assert console_errors == []


def test_without_javascript_the_key_page_offers_no_button(browser, site):
    """No button that would post the ceremony's form and get JSON back; the page explains.

    Chromium with scripts switched off by Playwright still parses <noscript> as if they ran
    (its text is not rendered), so the explanation is checked in the document."""
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        enter_password(page, site, site.users.reviewer.email)
        expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor"))
        page.goto(f"{site.url}/konto/sicherheitsschluessel")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sicherheitsschlüssel")
        expect(page.get_by_role("button", name="Schlüssel einrichten")).to_have_count(0)
        expect(page.get_by_label("Name des Schlüssels")).to_be_hidden()
        assert "Einen Sicherheitsschlüssel richten Sie mit JavaScript ein" in page.content()
    finally:
        context.close()
