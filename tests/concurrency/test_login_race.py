"""Login throttling under parallel guesses against gunicorn: exactly the configured number."""

import pytest
from gunicorn_support import Browser
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from antrag.accounts.models import LoginAttempt
from antrag.accounts.views import LOGIN_REFUSED
from antrag.extensions import db

from .conftest import explain, fresh, race, statuses

pytestmark = pytest.mark.concurrency

GUESSES = 12


def test_twelve_parallel_guesses_evaluate_ten_and_log_one_lockout(gunicorn, world):
    email = world.users.speyer.email
    # The production hash (scrypt): each evaluation takes as long as it really does.
    world.users.speyer.password_hash = generate_password_hash("korrekt-pferd-batterie")
    server = gunicorn()
    browsers = [Browser(server.url) for _ in range(GUESSES)]
    for browser in browsers:
        browser.get("/anmelden")  # the session cookie and its CSRF token
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
