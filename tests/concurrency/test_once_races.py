"""Parallel duplicates against gunicorn: a form sent twice at once, an Idempotency-Key sent
ten times at once, and twenty barrier reports from one client at once."""

import pytest
import requests
from funding_support import final_notice
from gunicorn_support import Browser
from sqlalchemy import func, select

from antrag.api.tokens import create_token
from antrag.extensions import db
from antrag.funding.models import CallOff
from antrag.network.models import AccessibilityFeedback

from .conftest import explain, fresh, login_all, race, statuses

pytestmark = pytest.mark.concurrency


def call_offs() -> list[CallOff]:
    fresh()
    return db.session.scalars(select(CallOff)).all()


def test_a_form_sent_twice_at_once_creates_one_call_off(gunicorn, make_application, world):
    notice = final_notice(make_application, world)
    server = gunicorn()
    (first,) = login_all(server.url, [world.users.speyer])
    page = f"/bescheide/{notice.id}"
    first.get(page)
    second = type(first)(server.url)  # the browser's second connection: same cookie, same form
    second.http.cookies.update(first.http.cookies)
    second.token, second.form_tokens = first.token, dict(first.form_tokens)
    form = {"amount": "1.000,00", "note": ""}

    results = race([lambda b=b: b.post(page + "/abrufe", form) for b in (first, second)])

    assert statuses(results) == [302, 302], explain(results, server)
    (created,) = call_offs()
    assert {r.headers["Location"] for r in results} == {f"/bescheide/abrufe/{created.id}"}


def test_ten_requests_with_one_idempotency_key_create_one_call_off(
    gunicorn, make_application, world
):
    notice = final_notice(make_application, world)
    _, secret = create_token(world.users.speyer, "Fachverfahren")
    server = gunicorn()
    url = f"{server.url}/api/v1/funding-notices/{notice.id}/call-offs"
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "abruf-2031-001"}

    def send():
        return requests.post(url, json={"amount": "1000.00"}, headers=headers, timeout=30)

    results = race([send] * 10)

    (created,) = call_offs()
    done = [r for r in results if getattr(r, "status_code", None) == 201]
    busy = [r for r in results if getattr(r, "status_code", None) == 409]
    assert len(done) + len(busy) == 10, explain(results, server)
    assert {r.json()["id"] for r in done} == {created.id}
    assert {r.headers["Location"] for r in done} == {f"/api/v1/call-offs/{created.id}"}
    assert all(r.json()["type"].endswith("#problem-in_progress") for r in busy)
    assert all(r.headers["Retry-After"] == "1" for r in busy)
    assert send().json() == done[0].json()  # afterwards every repetition gets the answer


def test_twenty_reports_from_one_client_at_once_store_the_limit(gunicorn, app):
    limit = app.config["PUBLIC_FORM_MAX_PER_ADDRESS"]  # the server runs with the defaults
    server = gunicorn()
    browsers = [Browser(server.url) for _ in range(2 * limit)]
    page = "/barrierefreiheit/barriere-melden"
    for browser in browsers:
        browser.get(page)
    form = {"description": "Der Kontrast ist zu gering."}

    results = race([lambda b=b: b.post(page, form) for b in browsers])

    assert statuses(results) == [302] * limit + [429] * limit, explain(results, server)
    assert all("Bitte versuchen Sie es in" in r.text for r in results if r.status_code == 429)
    fresh()
    stored = db.session.scalar(select(func.count()).select_from(AccessibilityFeedback))
    assert stored == limit
