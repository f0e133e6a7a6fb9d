"""Public forms against automation: limits per client and e-mail address, and a honeypot."""

import re
from datetime import timedelta

import pytest
from meetings_support import form, make_meeting_fixture  # noqa: F401 - fixture
from security_support import events
from sqlalchemy import func, select

from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.limits.models import RateCount
from antrag.mail.models import OutboxMessage
from antrag.meetings.models import MeetingRegistration
from antrag.network.models import AccessibilityFeedback

REPORT = "/barrierefreiheit/barriere-melden"
LIMITED = "Bitte warten Sie einen Moment"


@pytest.fixture
def limits(app):
    """Small limits: three per client address, two per e-mail address, per hour."""
    app.config.update(
        PUBLIC_FORM_MAX_PER_ADDRESS=3, PUBLIC_FORM_MAX_PER_EMAIL=2, PUBLIC_FORM_WINDOW_MINUTES=60
    )


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def client_from(make_web, address: str):
    """A browser of its own at `address`."""
    web = make_web()
    web.client.environ_base["REMOTE_ADDR"] = address
    return web


def report(web, email=None, text="Der Kontrast ist zu gering."):
    data = {"description": text} | ({"email": email} if email else {})
    return web.fill(REPORT, data)


def register(web, meeting, municipality, email):
    url = f"/netzwerktreffen/{meeting.id}"
    return web.fill(url, form(municipality, email=email))


def test_one_client_filling_in_addresses_is_stopped_at_the_limit(
    limits, make_web, make_meeting, world
):
    meeting = make_meeting(capacity=30)
    web = client_from(make_web, "203.0.113.7")
    answers = [
        register(web, meeting, world.pirmasens, f"person{n}@example.org").status_code
        for n in range(6)
    ]
    assert answers == [302, 302, 302, 429, 429, 429]
    assert count(MeetingRegistration) == 3
    assert count(OutboxMessage) == 3  # no mail to the typed addresses beyond the limit
    other = client_from(make_web, "198.51.100.20")  # someone else is not affected
    assert register(web, meeting, world.pirmasens, "x@example.org").status_code == 429
    assert register(other, meeting, world.pirmasens, "y@example.org").status_code == 302


def test_the_429_page_says_how_long_to_wait_and_whom_to_write(limits, make_web, app):
    web = client_from(make_web, "203.0.113.7")
    start = utcnow()
    with frozen_at(start):
        for _ in range(3):
            assert report(web).status_code == 302
    with frozen_at(start + timedelta(minutes=20, seconds=30)):
        refused = report(web)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(39 * 60 + 30)
    assert LIMITED in page and "in 40 Minuten noch einmal" in page
    assert app.config["ACCESSIBILITY_CONTACT_EMAIL"] in page
    assert "Es wurde nichts gespeichert." in page and f'href="{REPORT}"' in page
    assert count(AccessibilityFeedback) == 3
    with frozen_at(start + timedelta(minutes=60)):
        assert report(web).status_code == 302  # the window has passed


def test_one_address_is_limited_across_clients(limits, make_web):
    answers = [
        report(client_from(make_web, f"203.0.113.{n}"), email="Opfer@Example.org").status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 429, 429]
    assert report(client_from(make_web, "203.0.113.9")).status_code == 302  # without e-mail


def test_the_meeting_page_names_the_ministry_as_contact(limits, make_web, make_meeting, world, app):
    meeting = make_meeting(capacity=30)
    web = client_from(make_web, "203.0.113.7")
    for n in range(3):
        register(web, meeting, world.pirmasens, f"p{n}@example.org")
    page = register(web, meeting, world.pirmasens, "p9@example.org").get_data(as_text=True)
    assert app.config["OPERATOR_EMAIL"] in page


def test_refused_and_invalid_forms_do_not_count(limits, make_web):
    web = client_from(make_web, "203.0.113.7")
    for _ in range(5):
        assert web.fill(REPORT, {"description": ""}).status_code == 422
    for _ in range(3):
        assert report(web).status_code == 302


def test_ipv6_clients_are_counted_by_their_network(limits, make_web):
    answers = [report(client_from(make_web, f"2001:db8:1:2::{n:x}")).status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]
    assert report(client_from(make_web, "2001:db8:1:3::1")).status_code == 302


def test_addresses_are_stored_only_as_keyed_hashes(limits, make_web):
    report(client_from(make_web, "203.0.113.7"), email="erika@example.org")
    stored = " ".join(f"{r.scope} {r.key_hash}" for r in db.session.scalars(select(RateCount)))
    assert "203.0.113.7" not in stored and "erika" not in stored
    assert "barrier_report:address" in stored and "barrier_report:email" in stored


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_proxy_the_forwarded_client_is_counted(limits, database_uri, tmp_path, proxies):
    from conftest import IsolatedClient, WebClient
    from databases import base_config
    from security_support import dispose

    from antrag import create_app

    config = base_config(database_uri, tmp_path / "proxy") | {
        "TRUSTED_PROXIES": proxies,
        "PUBLIC_FORM_MAX_PER_ADDRESS": 3,
    }
    proxied = create_app(config)
    proxied.test_client_class = IsolatedClient
    answers = []
    for n in range(4):  # four clients, all through the proxy at 10.0.0.1
        web = WebClient(proxied.test_client())
        web.client.environ_base.update(
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
        answers.append(report(web).status_code)
    dispose(proxied)
    assert answers == ([302] * 4 if proxies else [302, 302, 302, 429])


@pytest.mark.parametrize(
    "page", ["/netzwerktreffen/{meeting}", REPORT], ids=["registration", "barrier_report"]
)
def test_the_honeypot_is_hidden_from_people_and_assistive_technology(page, make_web, make_meeting):
    html = make_web().get(page.format(meeting=make_meeting().id)).get_data(as_text=True)
    (trap,) = re.findall(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', html, re.S)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert '<label for="website">' in trap


def test_a_filled_honeypot_is_refused_quietly(make_web, make_meeting, world, caplog):
    caplog.set_level("INFO", logger="antrag.security")
    meeting = make_meeting(capacity=30)
    web = make_web()
    url = f"/netzwerktreffen/{meeting.id}"
    bot = web.fill(url, form(world.pirmasens, email="bot@example.org", website="http://x.test"))
    report_bot = web.fill(REPORT, {"description": "Spam", "website": "http://x.test"})

    assert bot.status_code == 302 and bot.headers["Location"].endswith(f"{url}/anmeldung")
    assert report_bot.status_code == 302 and report_bot.headers["Location"].endswith(
        "/barrierefreiheit"
    )
    assert count(MeetingRegistration) == 0 and count(AccessibilityFeedback) == 0
    assert count(OutboxMessage) == 0
    refusals = [e["form"] for e in events(caplog, "public_form_refused")]
    assert refusals == ["meeting_registration", "barrier_report"]
    # A person leaving it empty is not affected.
    assert web.fill(url, form(world.pirmasens, website="")).status_code == 302
    assert count(MeetingRegistration) == 1
