"""Login throttling: ten failed guesses per e-mail in 15 minutes, counted in the database."""

from datetime import timedelta

import pytest
from conftest import PASSWORD, IsolatedClient, WebClient
from databases import base_config
from security_support import dispose, events
from sqlalchemy import func, select

from antrag import create_app
from antrag.accounts.models import LoginAttempt
from antrag.accounts.views import LOGIN_REFUSED
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db

WRONG = "falsches-passwort-123"


def attempt(web, email, password):
    return web.post("/anmelden", {"email": email, "password": password})


def refused(response) -> bool:
    return response.status_code == 200 and LOGIN_REFUSED in response.get_data(as_text=True)


def fail(web, email, times):
    for _ in range(times):
        assert refused(attempt(web, email, WRONG))


def attempts_stored() -> int:
    return db.session.scalar(select(func.count(LoginAttempt.id)))


def test_the_eleventh_guess_is_refused_even_with_the_right_password(web, world):
    email = world.users.speyer.email
    start = utcnow()
    with frozen_at(start):
        fail(web, email, 10)
        response = attempt(web, email, PASSWORD)
    assert refused(response)
    assert attempts_stored() == 10  # the refused guess was not evaluated
    with frozen_at(start + timedelta(minutes=14)):
        assert refused(attempt(web, email, PASSWORD))
    with frozen_at(start + timedelta(minutes=15, seconds=1)):
        assert attempt(web, email, PASSWORD).status_code == 302


def test_nine_failures_still_let_the_right_password_in(web, world):
    fail(web, world.users.speyer.email, 9)
    assert attempt(web, world.users.speyer.email, PASSWORD).status_code == 302


def test_the_count_ignores_case(web, world):
    fail(web, "Digital@Speyer.DE", 10)
    assert refused(attempt(web, world.users.speyer.email, PASSWORD))


def test_a_success_does_not_wipe_earlier_failures(web, make_web, world):
    email = world.users.speyer.email
    fail(web, email, 9)
    make_web(world.users.speyer).logout()  # the owner logs in (and out) in between
    fail(web, email, 1)
    assert refused(attempt(web, email, PASSWORD))


def test_unknown_email_gets_the_same_answer_and_is_throttled_too(web, world):
    wrong = attempt(web, world.users.speyer.email, WRONG)
    unknown = attempt(web, "niemand@example.org", WRONG)
    assert refused(wrong) and refused(unknown)
    fail(web, "niemand@example.org", 9)
    locked = attempt(web, "niemand@example.org", WRONG)
    assert refused(locked)
    assert db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email_normalised == "niemand@example.org"
        )
    ) == 10  # fmt: skip


def test_other_accounts_are_not_affected(web, world):
    fail(web, world.users.speyer.email, 10)
    assert attempt(web, world.users.andernach.email, PASSWORD).status_code == 302


def test_the_lockout_is_logged_once_and_throttled_guesses_each_time(web, world, caplog):
    caplog.set_level("INFO", logger="antrag.security")
    fail(web, world.users.speyer.email, 10)
    attempt(web, world.users.speyer.email, PASSWORD)
    attempt(web, world.users.speyer.email, WRONG)
    (lockout,) = events(caplog, "lockout")
    assert lockout["user"] == str(world.users.speyer.id)
    assert lockout["email"] == world.users.speyer.email and lockout["ip"] == "127.0.0.1"
    throttled = [e for e in events(caplog, "login") if e["outcome"] == "throttled"]
    assert len(throttled) == 2
    assert PASSWORD not in caplog.text and WRONG not in caplog.text


@pytest.fixture
def second_app(database_uri, tmp_path, world):
    """Another app instance (think: another gunicorn worker) on the same database."""
    other = create_app(base_config(database_uri, tmp_path / "second") | {"SERVER_NAME": "x.test"})
    other.test_client_class = IsolatedClient
    yield other
    dispose(other)


def test_two_app_instances_share_the_count(web, world, second_app):
    other = WebClient(second_app.test_client())
    email = world.users.speyer.email
    fail(web, email, 5)
    fail(other, email, 5)
    assert refused(attempt(web, email, PASSWORD))
    assert refused(attempt(other, email, PASSWORD))
