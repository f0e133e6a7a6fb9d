"""Login throttling under parallel guesses against gunicorn: exactly the configured number."""

import pytest
from sqlalchemy import func, select

from antrag.accounts.models import LoginAttempt
from antrag.accounts.views import LOGIN_REFUSED
from antrag.extensions import db

from .conftest import explain, fresh, race, statuses

pytestmark = pytest.mark.concurrency

GUESSES = 30


def test_thirty_parallel_guesses_evaluate_ten_and_log_one_lockout(gunicorn, world):
    email = world.users.speyer.email
    server = gunicorn()
    browsers = [_browser(server.url) for _ in range(GUESSES)]
    form = {"email": email, "password": "falsches-passwort-123"}

    results = race([lambda b=b: b.post("/anmelden", form) for b in browsers])

    assert statuses(results) == [200] * GUESSES, explain(results, server)
    assert all(LOGIN_REFUSED in r.text for r in results)
    fresh()
    evaluated = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(LoginAttempt.email_normalised == email)
    )
    assert evaluated == 10, explain(results, server)
    log = server.log_text()
    assert log.count("action=lockout") == 1, log[-4000:]
    assert log.count("outcome=throttled") == GUESSES - 10


def _browser(url):
    from gunicorn_support import Browser

    browser = Browser(url)
    browser.get("/anmelden")  # the session cookie and its CSRF token
    return browser
