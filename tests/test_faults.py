"""Faults from outside: a database error in the middle of a transition, and a misbehaving SMTP server.

A failing INSERT into the history must leave nothing behind (state, history, notice, budget,
file reference, outbox) and show a clean error page with a reference; a retry then succeeds.
The mail server may be down, black-holed, slow, or refuse: transitions never wait for it
(they only write the outbox), and `flask outbox send` delivers each message exactly once
after recovery and marks permanent refusals failed.
"""

import asyncio
import re
import select as select_module
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from funding_support import notice_of
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.engine import history
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db
from antrag.funding.models import BudgetEntry, FileReferenceCounter, FundingNotice
from antrag.mail.models import OutboxMessage
from antrag.mentoring.models import MentoringAssignment
from antrag.programme.models import Round

MAIL_TIMEOUT = 1  # seconds per SMTP operation: keeps the fault tests fast
REFERENCE = re.compile(r"Referenz für Rückfragen: <code>([0-9a-f]{12})</code>")


# --- a database error in the middle of a transition ------------------------------------------


def _install_failing_history():
    """Make every INSERT into history_entry fail inside the database."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "CREATE FUNCTION inject_history_fault() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'injected fault'; END; $$ LANGUAGE plpgsql"
            )
        )
        db.session.execute(
            text(
                "CREATE TRIGGER inject_history_fault BEFORE INSERT ON history_entry "
                "FOR EACH ROW EXECUTE FUNCTION inject_history_fault()"
            )
        )
    else:
        db.session.execute(
            text(
                "CREATE TRIGGER inject_history_fault BEFORE INSERT ON history_entry "
                "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
            )
        )
    db.session.commit()


def _remove_failing_history():
    db.session.execute(
        text(
            "DROP TRIGGER inject_history_fault ON history_entry"
            if db.engine.dialect.name == "postgresql"
            else "DROP TRIGGER inject_history_fault"
        )
    )
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP FUNCTION inject_history_fault()"))
    db.session.commit()


def _snapshot(app) -> dict:
    """Return everything a transition could change, read in a session of its own."""
    with Session(db.engine) as session:

        def count(model):
            return session.scalar(select(func.count()).select_from(model))

        return {
            "cases": session.execute(
                select(Case.id, Case.state, Case.version).order_by(Case.id)
            ).all(),
            "history": count(HistoryEntry),
            "notices": session.execute(
                select(
                    FundingNotice.id, FundingNotice.file_reference, FundingNotice.pdf_stored_name
                )
            ).all(),
            "mentoring": count(MentoringAssignment),
            "file_references": session.execute(
                select(FileReferenceCounter.year, FileReferenceCounter.last)
            ).all(),
            "rounds": session.execute(
                select(Round.id, Round.committed, Round.paid, Round.reclaimed)
            ).all(),
            "budget_entries": count(BudgetEntry),
            "outbox": count(OutboxMessage),
            "files": sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).glob("*")),
        }


def _assert_clean_500(response, caplog):
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Interner Fehler" in body and "nicht gespeichert" in body
    match = REFERENCE.search(body)
    assert match, body
    assert match.group(1) in caplog.text  # the operator finds the failure by its reference
    for leak in ("Traceback", "injected fault", "history_entry", "sqlalchemy", "INSERT"):
        assert leak not in body


def _act(web, url, trigger, version, comment=None):
    data = {"trigger": trigger, "version": str(version)}
    if comment:
        data["comment"] = comment
    return web.post(url, data)


def test_failing_history_insert_on_approval_changes_nothing_and_retry_succeeds(
    app, make_application, make_web, world, caplog
):
    application = make_application("proposed_approval")
    version = application.case.version
    web = make_web(world.users.reviewer2)
    url = f"/antraege/{application.id}/aktion"
    before = _snapshot(app)
    _install_failing_history()

    response = _act(web, url, "approve", version)

    _assert_clean_500(response, caplog)
    assert _snapshot(app) == before
    _remove_failing_history()
    retry = _act(web, url, "approve", version)
    assert retry.status_code == 302, retry.get_data(as_text=True)
    db.session.expire_all()
    assert application.case.state == "approved"
    notice = notice_of(application)
    assert notice is not None and notice.file_reference.endswith("-0001")  # no number lost
    assert history.verify()[1] is None


def test_failing_history_insert_on_issue_commits_no_budget_and_retry_succeeds(
    app, make_application, make_web, world, caplog
):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    version = notice.case.version
    web = make_web(world.users.reviewer)
    url = f"/bescheide/{notice.id}/aktion"
    before = _snapshot(app)
    _install_failing_history()

    response = _act(web, url, "issue", version)

    _assert_clean_500(response, caplog)
    assert _snapshot(app) == before  # no commitment, no ledger entry, no PDF, no mail
    _remove_failing_history()
    retry = _act(web, url, "issue", version)
    assert retry.status_code == 302, retry.get_data(as_text=True)
    db.session.expire_all()
    assert notice.case.state == "issued"
    assert (notice.round.committed, notice.round.reserved) == (notice.amount, 0)
    kinds = db.session.scalars(select(BudgetEntry.kind).order_by(BudgetEntry.id)).all()
    assert kinds == ["reservation", "release", "commitment"]
    assert notice.pdf_stored_name in _snapshot(app)["files"]
    assert history.verify()[1] is None


# --- SMTP faults ----------------------------------------------------------------------------
# tests/test_mail_relay.py covers a stopped server with `relay.send_due`, 4xx and 5xx answers to
# DATA, the backoff and a transition with smtplib patched out. Added here: a black hole, a slow
# server, and the whole path web transition → `flask outbox send` → exactly-once delivery.


class Collector:
    """An aiosmtpd handler: keeps envelopes, or answers DATA with `answer`; may be slow."""

    def __init__(self):
        self.envelopes = []
        self.answer = None
        self.delay = 0.0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        await asyncio.sleep(self.delay)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.answer:
            return self.answer
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def message_ids(self):
        return [
            re.search(rb"Message-ID: (\S+)", e.content, re.IGNORECASE).group(1)
            for e in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1; the app relays to it with a 1-second timeout."""
    handler = Collector()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=MAIL_TIMEOUT,
        MAIL_RETRY_BASE_SECONDS=60,
        MAIL_MAX_ATTEMPTS=5,
    )
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture
def black_hole():
    """A socket that accepts connections (the kernel completes them) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener


def _pending_connection(listener) -> bool:
    """Return whether anyone connected to the listener (a connection waits to be accepted)."""
    readable, _, _ = select_module.select([listener], [], [], 0)
    return bool(readable)


def _submit_through_the_web(make_application, make_web, world):
    """Submit a complete draft as Speyer; check that the request left its mail untried.

    The proof that a transition does not wait for the mail server is that it never talks
    to it (no attempt recorded), not a duration, which a loaded machine can stretch.
    """
    application = make_application("draft")
    web = make_web(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "submit", "version": str(application.case.version)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert application.case.state == "submitted"
    messages = _messages()
    assert messages and {(m.status, m.attempts, m.last_error) for m in messages} == {
        ("pending", 0, None)
    }


def _messages():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _send(runner, at=None):
    """Run `flask outbox send` (at a later time if given); return (output, seconds)."""
    started = time.monotonic()
    if at is None:
        result = runner.invoke(args=["outbox", "send"])
    else:
        with frozen_at(at):
            result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output, time.monotonic() - started


def _timed_out(error: str) -> bool:
    """Return whether a recorded error is the relay's time-out.

    smtplib reports a banner that never comes as SMTPServerDisconnected("… timed out");
    the relay recognises the time-out behind it.
    """
    return error == "Zeitüberschreitung beim Mailserver"


def _later():
    """A moment when every backoff has run out."""
    return utcnow() + timedelta(days=1)


def test_transition_does_not_touch_a_black_holed_smtp_server(
    app, smtp, black_hole, make_application, make_web, world
):
    app.config["MAIL_PORT"] = black_hole.getsockname()[1]
    _submit_through_the_web(make_application, make_web, world)

    assert not _pending_connection(black_hole)  # nobody even connected
    assert {m.status for m in _messages()} == {"pending"}


def test_black_hole_times_out_then_each_message_is_delivered_once(
    app, smtp, black_hole, runner, make_application, make_web, world
):
    app.config["MAIL_PORT"] = black_hole.getsockname()[1]
    _submit_through_the_web(make_application, make_web, world)
    queued = [m.id for m in _messages()]

    output, seconds = _send(runner)

    assert "0 sent, 1 to retry later" in output  # the relay stops at the first dead server
    assert MAIL_TIMEOUT * 0.9 <= seconds < MAIL_TIMEOUT * 4
    first, *others = _messages()
    assert (first.status, first.attempts) == ("pending", 1)
    assert _timed_out(first.last_error)
    assert all((m.status, m.attempts) == ("pending", 0) for m in others)

    app.config["MAIL_PORT"] = smtp.port  # the server is back
    output, _ = _send(runner, at=_later())
    again, _ = _send(runner, at=_later())

    assert f"{len(queued)} sent" in output and "0 sent" in again
    assert all(m.status == "sent" for m in _messages())
    assert len(smtp.envelopes) == len(queued)
    assert len(set(smtp.message_ids())) == len(queued)


def test_slow_server_times_out_and_delivers_once_when_fast_again(
    app, smtp, runner, make_application, make_web, world
):
    smtp.delay = MAIL_TIMEOUT * 2.5  # answers EHLO only after the client gave up
    _submit_through_the_web(make_application, make_web, world)
    queued = len(_messages())

    output, seconds = _send(runner)

    assert "0 sent, 1 to retry later" in output
    assert seconds < MAIL_TIMEOUT * 2.5
    assert _timed_out(_messages()[0].last_error)
    assert smtp.envelopes == []

    smtp.delay = 0
    output, _ = _send(runner, at=_later())
    again, _ = _send(runner, at=_later())

    assert f"{queued} sent" in output and "0 sent" in again
    assert len(smtp.envelopes) == queued
    assert len(set(smtp.message_ids())) == queued


def test_server_down_then_up_delivers_every_message_once(
    app, smtp, runner, make_application, make_web, world
):
    app.config["MAIL_PORT"] = _free_port()  # nobody listens: connection refused
    _submit_through_the_web(make_application, make_web, world)
    queued = len(_messages())

    output, _ = _send(runner)
    assert "0 sent, 1 to retry later" in output
    assert "nicht erreichbar" in _messages()[0].last_error

    app.config["MAIL_PORT"] = smtp.port
    output, _ = _send(runner, at=_later())
    again, _ = _send(runner, at=_later())

    assert f"{queued} sent" in output and "0 sent" in again
    assert len(smtp.envelopes) == queued
    assert len(set(smtp.message_ids())) == queued


def test_temporary_refusal_is_retried_and_then_delivered_once(
    app, smtp, runner, make_application, make_web, world
):
    smtp.answer = "451 4.3.0 Try again later"
    _submit_through_the_web(make_application, make_web, world)
    queued = len(_messages())

    output, _ = _send(runner)
    assert f"0 sent, {queued} to retry later, 0 failed" in output  # a 4xx is per message
    assert all(m.status == "pending" and "451" in m.last_error for m in _messages())

    smtp.answer = None
    output, _ = _send(runner, at=_later())
    again, _ = _send(runner, at=_later())

    assert f"{queued} sent" in output and "0 sent" in again
    assert len(smtp.envelopes) == queued
    assert len(set(smtp.message_ids())) == queued


def test_permanent_refusal_marks_the_messages_failed_and_never_resends(
    app, smtp, runner, make_application, make_web, world
):
    smtp.answer = "550 5.1.1 Mailbox unavailable"
    _submit_through_the_web(make_application, make_web, world)
    queued = len(_messages())

    output, _ = _send(runner)
    smtp.answer = None
    again, _ = _send(runner, at=_later())

    assert f"0 sent, 0 to retry later, {queued} failed" in output
    assert "0 sent, 0 to retry later, 0 failed" in again
    assert all(m.status == "failed" and "550" in m.last_error for m in _messages())
    assert smtp.envelopes == []


# --- the relay holds no transaction while it talks to the mail server ------------------------


def _open_transactions_besides_mine() -> int:
    """Return how many other connections to this PostgreSQL database sit in a transaction."""
    with db.engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
        )


def test_web_writes_go_on_while_the_relay_waits_for_a_silent_server(
    app, black_hole, runner, make_application, make_web, world
):
    """`flask outbox send` against a server that accepts and never answers: the web works on.

    On SQLite an open write transaction would make the web's write wait for the busy timeout
    and answer 503; on PostgreSQL it shows as a connection "idle in transaction".
    """
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=black_hole.getsockname()[1],
        MAIL_TIMEOUT=60,  # the relay waits until the test hangs up
    )
    application = make_application("draft")
    make_application("submitted", municipality=world.andernach)  # its mails wait in the outbox
    web = make_web(world.users.speyer)
    version = application.case.version
    db.session.commit()  # this session holds no transaction either
    relay_run = threading.Thread(target=lambda: runner.invoke(args=["outbox", "send"]))
    black_hole.settimeout(10)
    relay_run.start()
    connection, _ = black_hole.accept()  # the relay is connected and waits for the greeting
    try:
        if db.engine.dialect.name == "postgresql":
            assert _open_transactions_besides_mine() == 0
        response = web.post(
            f"/antraege/{application.id}/aktion", {"trigger": "submit", "version": str(version)}
        )
        assert response.status_code == 302, response.status_code
        assert relay_run.is_alive()  # the write happened while the relay was still waiting
    finally:
        connection.close()  # the server hangs up: the relay gives up at once
        relay_run.join(timeout=10)
    assert not relay_run.is_alive()
    first = _messages()[0]
    assert (first.status, first.attempts) == ("pending", 1)
    assert "Mailserver" in first.last_error
