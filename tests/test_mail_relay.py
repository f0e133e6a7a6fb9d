"""The outbox relay against a real SMTP server in-process, the Postausgang page, due dates."""

import smtplib
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.mail import relay
from antrag.mail.models import OutboxMessage
from config import Config

SENDER = "Antrag – Netzwerk Digitale Stadt <antrag@mdi.example>"


class Collector:
    """An aiosmtpd handler that keeps every envelope, or answers DATA with `answer`."""

    def __init__(self):
        self.envelopes = []
        self.answer = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.answer:
            return self.answer
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def mails(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that the test can stop and start again."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = Collector()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    """The app relaying to an in-process SMTP server, which runs unless the test stops it."""
    server = SmtpServer()
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        MAIL_TIMEOUT=5,
        MAIL_SENDER=SENDER,
        MAIL_RETRY_BASE_SECONDS=60,
        MAIL_MAX_ATTEMPTS=5,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue(world):
    """Return a factory of pending outbox messages (with umlauts by default)."""

    def factory(**values):
        message = OutboxMessage(
            template="test",
            recipient="juergen.mueller@woerth.example",
            recipient_name="Jürgen Müller",
            subject="Förderbescheid für Wörth am Rhein",
            body="Grüße aus Mainz – die Förderung über 60.750,00 € ist bewilligt.\n",
        )
        for key, value in values.items():
            setattr(message, key, value)
        db.session.add(message)
        db.session.commit()
        return message.id

    return factory


def _message(message_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _all() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


# --- delivery ---------------------------------------------------------------------------------


def test_a_transitions_mails_are_delivered_once(runner, smtp, make_application):
    make_application("approved")
    queued = len(_all())

    first = runner.invoke(args=["outbox", "send"])
    second = runner.invoke(args=["outbox", "send"])

    assert queued > 1
    assert f"{queued} sent" in first.output, first.output
    assert "0 sent" in second.output
    assert len(smtp.handler.envelopes) == queued
    assert all(m.status == "sent" and m.sent_at is not None for m in _all())


def test_delivered_mail_has_recipient_subject_and_body(smtp, world, make_application):
    make_application("approved")
    relay.send_due()
    (decision,) = [m for m in _all() if m.template == "decision"]
    (mail,) = [m for m in smtp.handler.mails() if m["Subject"] == decision.subject]

    assert mail["To"].addresses[0].addr_spec == world.users.speyer.email
    assert mail["To"].addresses[0].display_name == world.users.speyer.name
    assert mail.get_content().replace("\r\n", "\n") == decision.body
    assert mail["Message-ID"] and mail["Date"]


def test_umlauts_survive_in_headers_and_body(smtp, queue):
    queue()
    relay.send_due()
    (mail,) = smtp.handler.mails()

    assert mail["From"].addresses[0].display_name == "Antrag – Netzwerk Digitale Stadt"
    assert str(mail["To"]) == "Jürgen Müller <juergen.mueller@woerth.example>"
    assert mail["Subject"] == "Förderbescheid für Wörth am Rhein"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert "Grüße aus Mainz – die Förderung über 60.750,00 €" in mail.get_content()


def test_message_is_retried_after_the_server_was_down(smtp, queue):
    smtp.stop()
    message_id = queue()
    relay.send_due()
    waiting = _message(message_id)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at > utcnow()
    assert "nicht erreichbar" in waiting.last_error

    smtp.start()
    relay.send_due()  # not yet due: the backoff holds it back
    assert smtp.handler.envelopes == []
    with frozen_at(waiting.next_attempt_at + timedelta(seconds=1)):
        relay.send_due()

    assert _message(message_id).status == "sent"
    assert len(smtp.handler.envelopes) == 1


def test_permanent_refusal_marks_the_message_failed(smtp, queue):
    smtp.handler.answer = "550 5.1.1 Mailbox unavailable"
    message_id = queue()
    report = relay.send_due()

    failed = _message(message_id)
    assert report.failed == [message_id]
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "550" in failed.last_error


def test_temporary_refusal_is_retried_with_backoff(smtp, queue):
    smtp.handler.answer = "451 4.3.0 Try again later"
    message_id = queue()
    relay.send_due()
    first = _message(message_id)
    assert (first.status, first.attempts) == ("pending", 1)
    first_due = first.next_attempt_at

    with frozen_at(first_due + timedelta(seconds=1)):
        relay.send_due()
    second = _message(message_id)
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.next_attempt_at - first_due >= timedelta(seconds=120)  # 60 s, then 120 s

    smtp.handler.answer = None
    with frozen_at(second.next_attempt_at + timedelta(seconds=1)):
        relay.send_due()
    assert _message(message_id).status == "sent"


def test_message_fails_after_the_last_attempt(app, smtp, queue):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.handler.answer = "451 4.3.0 Try again later"
    message_id = queue()
    relay.send_due()
    assert _message(message_id).status == "failed"


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (10, 6 * 3600), (30, 6 * 3600)]
)
def test_backoff_doubles_and_is_capped(app, attempts, seconds):
    app.config.update(MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=6 * 3600)
    assert relay.backoff(attempts) == timedelta(seconds=seconds)


def test_a_message_can_be_claimed_only_once(app, queue):
    message_id = queue()
    assert relay.claim(message_id) is not None
    assert relay.claim(message_id) is None  # a second relay running at the same time
    assert _message(message_id).attempts == 1


def test_a_dead_relays_claim_runs_out_and_its_late_outcome_is_ignored(app, queue, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_FOLDER=str(tmp_path / "mail"))
    message_id = queue()
    dead = relay.claim(message_id)  # this relay dies before it sends
    assert relay.send_due().sent == []  # the lease still holds

    with frozen_at(_message(message_id).next_attempt_at + timedelta(seconds=1)):
        report = relay.send_due()
        late = relay.record_outcome(dead, relay.DeliveryError("451 zu spät"))

    assert report.sent == [message_id]  # not lost
    assert late is None  # the dead relay's outcome does not overwrite the new one
    message = _message(message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)


def test_a_transition_never_waits_for_smtp(
    app, smtp, make_web, world, make_application, monkeypatch
):
    smtp.stop()

    def no_smtp(*args, **kwargs):
        raise AssertionError("a transition must not talk to the mail server")

    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    application = make_application("draft")
    web = make_web(world.users.speyer)
    version = application.case.version
    response = web.post(
        f"/antraege/{application.id}/aktion", {"trigger": "submit", "version": str(version)}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert application.case.state == "submitted"
    assert {m.status for m in _all()} == {"pending"}


def test_file_backend_writes_a_readable_eml(app, queue, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_FOLDER=str(tmp_path / "mail"))
    message_id = queue()
    relay.send_due()

    mail = message_from_bytes(
        (tmp_path / "mail" / f"{message_id}.eml").read_bytes(), policy=policy.default
    )
    assert mail["Subject"] == "Förderbescheid für Wörth am Rhein"
    assert "Grüße aus Mainz" in mail.get_content()
    assert _message(message_id).status == "sent"


# --- the command line -------------------------------------------------------------------------


def test_outbox_list_shows_failed_messages_with_their_error(runner, queue):
    failed = queue(status="failed", attempts=3, last_error="Mailserver antwortet 550 Unbekannt")
    queue(recipient="andere@speyer.example")

    result = runner.invoke(args=["outbox", "list", "--status", "failed"])

    assert result.exit_code == 0
    assert result.output.startswith(f"{failed}\tfailed\t3\t")
    assert "550 Unbekannt" in result.output
    assert "andere@speyer.example" not in result.output


def test_outbox_retry_puts_a_failed_message_back(runner, queue):
    message_id = queue(status="failed", attempts=5)
    result = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert result.exit_code == 0, result.output
    message = _message(message_id)
    assert (message.status, message.attempts) == ("pending", 0)


def test_outbox_retry_refuses_a_message_that_did_not_fail(runner, queue):
    message_id = queue()
    result = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert result.exit_code == 1
    assert "nicht fehlgeschlagen" in result.output


def test_mail_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_BACKEND", "smtp")
    monkeypatch.setenv("MAIL_SERVER", "smtp.rlp.example")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_TIMEOUT", "20")
    values = Config.from_environment()
    assert (values["MAIL_BACKEND"], values["MAIL_SERVER"]) == ("smtp", "smtp.rlp.example")
    assert (values["MAIL_PORT"], values["MAIL_USE_TLS"], values["MAIL_TIMEOUT"]) == (587, True, 20)


def test_unknown_mail_backend_is_refused(monkeypatch):
    monkeypatch.setenv("MAIL_BACKEND", "pigeon")
    with pytest.raises(ValueError, match="MAIL_BACKEND"):
        Config.from_environment()


# --- the Postausgang page ---------------------------------------------------------------------

OUTBOX = "/verwaltung/postausgang"


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("speyer", 403), ("reviewer", 403), ("mentor", 403), ("admin", 200)],
)
def test_only_the_admin_opens_the_outbox_page(make_web, world, who, status):
    web = make_web(getattr(world.users, who) if who else None)
    assert web.get(OUTBOX).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("speyer", 403), ("reviewer", 403), ("mentor", 403)],
)
def test_only_the_admin_retries_a_message(make_web, world, queue, who, status):
    message_id = queue(status="failed")
    web = make_web(getattr(world.users, who) if who else None)
    assert web.post(f"{OUTBOX}/{message_id}/erneut").status_code == status
    assert _message(message_id).status == "failed"


def test_refused_mail_is_shown_to_the_admin_and_retried_with_the_button(
    smtp, queue, make_web, world
):
    smtp.handler.answer = "550 5.1.1 Mailbox unavailable"
    message_id = queue()
    relay.send_due()
    web = make_web(world.users.admin)

    page = web.get(OUTBOX).get_data(as_text=True)
    assert "juergen.mueller@woerth.example" in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "Erneut versuchen" in page

    response = web.post(f"{OUTBOX}/{message_id}/erneut", follow_redirects=True)
    assert "erneut zugestellt" in response.get_data(as_text=True)
    assert _message(message_id).status == "pending"


def test_retry_without_csrf_token_changes_nothing(make_web, world, queue):
    message_id = queue(status="failed")
    web = make_web(world.users.admin)
    assert web.post(f"{OUTBOX}/{message_id}/erneut", csrf=False).status_code == 400
    assert _message(message_id).status == "failed"


def test_retry_of_an_unknown_message_is_404(make_web, world):
    assert make_web(world.users.admin).post(f"{OUTBOX}/999/erneut").status_code == 404


def test_outbox_page_counts_messages_per_status(make_web, world, queue):
    queue(status="failed")
    queue(status="sent")
    queue(status="sent")
    page = make_web(world.users.admin).get(OUTBOX).get_data(as_text=True)
    assert '<th scope="row">Versendet</th><td class="numeric">2</td>' in page
    assert '<th scope="row">Fehlgeschlagen</th><td class="numeric">1</td>' in page


def test_admin_start_page_links_the_outbox(make_web, world):
    assert OUTBOX in make_web(world.users.admin).get("/verwaltung/").get_data(as_text=True)


# --- due dates on the case page ---------------------------------------------------------------


def test_case_page_shows_the_due_date(make_web, world, make_application):
    application = make_application("changes_requested")
    page = make_web(world.users.speyer).get(f"/antraege/{application.id}").get_data(as_text=True)
    assert "<dt>Frist</dt>" in page
    assert "überfällig" not in page


def test_case_page_highlights_an_overdue_due_date(make_web, world, make_application):
    application = make_application("changes_requested")
    with frozen_at(application.case.due_at + timedelta(hours=1)):  # log in when it is read
        web = make_web(world.users.speyer)
        page = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert '<dd class="overdue">' in page
    assert "überfällig" in page
