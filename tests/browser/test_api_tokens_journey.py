"""In a real headless Chromium: a city creates an API token, a program uses it, the city revokes it.

Keyboard only, as in the other journeys; the program's requests go to the same live server.
"""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]


def api_status(server, secret: str) -> tuple[int, dict]:
    """GET /api/v1/me with the token, as a connected program would; return status and body."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_city_creates_uses_and_revokes_a_token(page, live_server, console_errors):
    log_in(page, live_server, live_server.users.speyer.email)
    page.get_by_role("link", name="API-Zugänge").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("API-Zugänge")

    page.get_by_label("Name des Tokens").fill("Dokumentenmanagement")
    page.get_by_role("button", name="Token erstellen").press("Enter")
    secret = page.locator("code", has_text="antrag_").first.inner_text().strip()
    assert secret.startswith("antrag_") and not secret.endswith("…")

    status, body = api_status(live_server, secret)
    assert (status, body["email"]) == (200, live_server.users.speyer.email)

    page.get_by_role("link", name="API-Zugänge").press("Enter")  # the secret is never shown again
    expect(page.get_by_text(secret)).to_have_count(0)
    row = page.get_by_role("row", name="Dokumentenmanagement")
    expect(row).not_to_contain_text("noch nie")  # last used is recorded
    row.get_by_role("button", name="Widerrufen").press("Enter")
    expect(page.get_by_role("row", name="Dokumentenmanagement")).to_contain_text("widerrufen")

    status, body = api_status(live_server, secret)
    assert (status, body["status"]) == (401, 401)
    assert console_errors == []
