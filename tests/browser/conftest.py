"""A live Antrag server and a headless Chromium (Debian's, via Playwright) for journey tests."""

import os
import shutil
import threading
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

PASSWORD = "korrekt-pferd-batterie"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = "Chromium not found on PATH; install Debian's chromium to run browser tests"


@dataclass
class LiveServer:
    """A running server: its base URL, its app and the world's people (all with PASSWORD)."""

    url: str
    app: object
    users: SimpleNamespace
    password: str = PASSWORD


@pytest.fixture
def live_server(app, world):
    """Serve the test's app (its own migrated database, seeded with `world`) in a thread.

    Each request of the server thread runs in its own app context and database session.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, world.users)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Return Debian's chromium; skip without it, but fail in CI where it must be installed."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(NO_CHROMIUM)
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the session (browsers cannot be downloaded here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Collects the console errors and uncaught exceptions of the test's pages."""
    return []


@pytest.fixture
def page(browser, console_errors):
    """A fresh German browser context and page; console errors go to `console_errors`."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    yield page
    context.close()
