"""Reporting a barrier: the form, what is stored, the mail in the outbox, the admin's list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from antrag.accounts.models import LoginAttempt, UserSession
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.idempotency.models import FormSubmission, IdempotencyKey
from antrag.limits.models import RateCount
from antrag.mail.models import OutboxMessage
from antrag.network.models import AccessibilityFeedback
from antrag.network.retention import purge

FORM = "/barrierefreiheit/barriere-melden"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_report_is_stored_and_mailed_to_the_contact(app, web):
    web.get(FORM)
    response = web.post(
        FORM,
        {
            "page_url": "/mitglieder/",
            "description": "Der Filter ist mit dem Bildschirmleser nicht erreichbar.",
            "name": "Erika Muster",
            "email": "erika@example.org",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/barrierefreiheit")
    report = db.session.scalars(select(AccessibilityFeedback)).one()
    assert report.page_url == "/mitglieder/"
    assert report.description == "Der Filter ist mit dem Bildschirmleser nicht erreichbar."
    assert (report.name, report.email) == ("Erika Muster", "erika@example.org")
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == app.config["ACCESSIBILITY_CONTACT_EMAIL"]
    assert mail.case_id is None and mail.status == "pending"
    assert mail.subject == "Neue Meldung zur Barrierefreiheit: /mitglieder/"
    assert "Der Filter ist mit dem Bildschirmleser nicht erreichbar." in mail.body
    assert "erika@example.org" in mail.body
    assert "/verwaltung/barrieremeldungen" in mail.body
    thanks = web.get("/barrierefreiheit").get_data(as_text=True)
    assert "Vielen Dank für Ihre Meldung." in thanks


def test_name_and_email_are_optional(web):
    web.get(FORM)
    response = web.post(FORM, {"description": "Kontrast zu gering."})
    assert response.status_code == 302
    report = db.session.scalars(select(AccessibilityFeedback)).one()
    assert (report.page_url, report.name, report.email) == (None, None, None)
    assert _count(OutboxMessage) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "  "}, "Bitte beschreiben Sie die Barriere."),
        (
            {"description": "Zu klein.", "email": "nicht-gueltig"},
            "Bitte geben Sie eine gültige E-Mail-Adresse an",
        ),
        ({"description": "Text\x00"}, "unzulässige Steuerzeichen"),
        (
            {"description": "Zu klein.", "name": "Erika\nMuster"},
            "Bitte geben Sie hier nur eine Zeile ein",
        ),
        ({"description": "Zu klein.", "page_url": "/" + "x" * 500}, "Höchstens 500 Zeichen."),
    ],
)
def test_bad_input_gets_a_field_message_and_keeps_the_text(web, data, message):
    web.get(FORM)
    response = web.post(FORM, {"page_url": "/antraege/", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Bitte prüfen Sie Ihre Eingaben" in page
    if "email" in data:
        assert 'value="nicht-gueltig"' in page
    assert _count(AccessibilityFeedback) == 0
    assert _count(OutboxMessage) == 0


def test_a_post_without_csrf_token_is_refused(web):
    response = web.post(FORM, {"description": "Kontrast zu gering."}, csrf=False)
    assert response.status_code == 400
    assert _count(AccessibilityFeedback) == 0


def test_the_page_is_prefilled_from_the_seite_parameter(web):
    page = web.get(FORM + "?seite=/mitglieder/%3Fhandlungsfeld%3Dbildung").get_data(as_text=True)
    assert 'value="/mitglieder/?handlungsfeld=bildung"' in page


def _page_field(response) -> str:
    """Return the HTML of the form's page address input."""
    return re.search(r'<input[^>]*id="page_url"[^>]*>', response.get_data(as_text=True))[0]


def test_the_page_is_prefilled_from_a_local_referer_only(web):
    local = web.get(FORM, headers={"Referer": "http://antrag.test/impressum"})
    assert 'value="/impressum"' in _page_field(local)
    foreign = web.get(FORM, headers={"Referer": "https://boese.example/hinterhalt"})
    assert 'value=""' in _page_field(foreign)
    other = web.get(FORM + "?seite=https://boese.example/x")
    assert 'value=""' in _page_field(other)
    relative = web.get(FORM + "?seite=//boese.example/x")
    assert 'value=""' in _page_field(relative)


def test_every_footer_link_to_the_form_names_its_page(web):
    page = web.get("/impressum").get_data(as_text=True)
    assert "/barrierefreiheit/barriere-melden?seite=/impressum" in page


#        role        status
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("speyer", 403), ("reviewer", 403), ("mentor", 403), ("admin", 200)],
)
def test_only_the_admin_sees_the_reports(make_web, world, role, expected):
    db.session.add(
        AccessibilityFeedback(page_url="/x", description="Fokus unsichtbar.", email="a@b.de")
    )
    db.session.commit()
    web = make_web(None if role == "anonymous" else getattr(world.users, role))
    response = web.get("/verwaltung/barrieremeldungen")
    assert response.status_code == expected
    if expected == 200:
        page = response.get_data(as_text=True)
        assert "Fokus unsichtbar." in page and "mailto:a@b.de" in page
        assert "/verwaltung/barrieremeldungen" in web.get("/verwaltung/").get_data(as_text=True)


def test_purge_deletes_what_the_privacy_notice_promises(app, world):
    now = utcnow()
    old = now - timedelta(days=app.config["PRIVACY_RETENTION_DAYS"] + 1)
    user = world.users.speyer
    db.session.add_all(
        [
            UserSession(user_id=user.id, secret_hash="a" * 64, created_at=old, last_seen_at=old),
            UserSession(
                user_id=user.id, secret_hash="b" * 64, created_at=old, last_seen_at=old,
                ended_at=now,
            ),
            LoginAttempt(email_normalised="x@y.de", at=old, success=False),
            LoginAttempt(email_normalised="x@y.de", at=now, success=False),
            OutboxMessage(
                template="t", recipient="r@x.de", recipient_name="R", subject="s", body="b",
                status="sent", sent_at=old,
            ),
            OutboxMessage(
                template="t", recipient="r@x.de", recipient_name="R", subject="s", body="b",
                status="failed", created_at=old,
            ),
            AccessibilityFeedback(description="alt", created_at=now - timedelta(days=366)),
            AccessibilityFeedback(description="neu", created_at=old),
        ]
    )  # fmt: skip
    db.session.commit()
    counts = purge(now)
    db.session.commit()
    assert counts == {
        "sessions": 1,
        "login_attempts": 1,
        "sent_mail": 1,
        "feedback": 1,
        "registrations": 0,
        "orphaned_files": 0,
        "sent_forms": 0,
        "idempotency_keys": 0,
        "rate_counts": 0,
        "sso_logins": 0,
    }
    assert db.session.scalars(select(UserSession.secret_hash)).all() == ["b" * 64]
    assert db.session.scalars(select(OutboxMessage.status)).all() == ["failed"]
    assert db.session.scalars(select(AccessibilityFeedback.description)).all() == ["neu"]


def test_purge_forgets_expired_form_tokens_idempotency_keys_and_counters(app, world):
    now = utcnow()
    config = app.config
    form_age = timedelta(hours=config["FORM_TOKEN_HOURS"])
    key_age = timedelta(hours=config["IDEMPOTENCY_KEY_HOURS"])
    window = timedelta(minutes=config["PUBLIC_FORM_WINDOW_MINUTES"])
    user = world.users.speyer
    db.session.add_all(
        [
            FormSubmission(token_hash="a" * 64, endpoint="x", created_at=now - form_age * 2),
            FormSubmission(token_hash="b" * 64, endpoint="x", created_at=now - form_age),
            IdempotencyKey(user_id=user.id, key="alt", fingerprint="f", created_at=now - key_age),
            IdempotencyKey(
                user_id=user.id, key="neu", fingerprint="f", created_at=now - key_age / 2
            ),
            RateCount(scope="s", key_hash="a" * 64, window_start=now - window, hits=3),
            RateCount(scope="s", key_hash="b" * 64, window_start=now - window / 2, hits=3),
        ]
    )
    db.session.commit()
    counts = purge(now)
    db.session.commit()
    assert (counts["sent_forms"], counts["idempotency_keys"], counts["rate_counts"]) == (1, 1, 1)
    assert db.session.scalars(select(FormSubmission.token_hash)).all() == ["b" * 64]
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["neu"]
    assert db.session.scalars(select(RateCount.key_hash)).all() == ["b" * 64]


def test_purge_command(runner, world):
    result = runner.invoke(args=["network", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted: 0 sessions" in result.output
