"""Mails written with transitions, reminders before due dates, and the idempotent timer."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from antrag import features
from antrag.clock import frozen_at
from antrag.engine import timer
from antrag.engine.definitions import load_directory
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from config import Config

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"


def _mails():
    features.load()
    for d in load_directory(Path(Config.WORKFLOWS_DIR)):
        for t in d.transitions:
            for m in t.notify:
                yield pytest.param(m.template, id=f"{d.name}.{t.trigger}.{m.template}")
        for s in d.states.values():
            if s.reminder:
                yield pytest.param(s.reminder.template, id=f"{d.name}.{s.name}.reminder")


@pytest.mark.parametrize("template", list(_mails()))
def test_every_declared_mail_has_a_template(template):
    assert (TEMPLATES / f"{template}.txt").is_file()


def _outbox(template=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    return db.session.scalars(query).all()


def test_submit_writes_mail_to_reviewers_and_city_in_the_same_transaction(make_application, world):
    application = make_application("submitted")
    to_reviewers = _outbox("application_submitted")
    assert {m.recipient for m in to_reviewers} == {
        world.users.reviewer.email,
        world.users.reviewer2.email,
    }
    assert all(m.status == "pending" for m in to_reviewers)
    received = _outbox("application_receipt")  # membership v2: the receipt (revisions)
    assert [m.recipient for m in received] == [world.users.speyer.email]
    assert f"/antraege/{application.id}" in received[0].body
    assert received[0].subject.startswith("Eingangsbestätigung")
    assert "Ihr Antrag ist eingegangen" in received[0].subject


@pytest.mark.parametrize("state", ["approved", "rejected"])
def test_the_decision_mail_announces_the_notice_and_does_not_read_as_the_decision(
    make_application, world, state
):
    make_application(state)
    (mail,) = _outbox("decision")
    assert mail.recipient == world.users.speyer.email
    assert "Bescheid wird vorbereitet" in mail.subject
    assert "noch keine Entscheidung" in mail.body
    assert "Bewilligt" not in mail.body and "Abgelehnt" not in mail.body


def test_change_request_reminder_is_written_once_shortly_before_the_due_date(make_application):
    application = make_application("changes_requested")
    due = application.case.due_at
    with frozen_at(due - timedelta(days=10)):
        assert timer.tick().reminded == []
    with frozen_at(due - timedelta(days=2)):
        first = timer.tick()
        second = timer.tick()
    assert first.reminded == [(application.case_id, "changes_requested")]
    assert second.reminded == []
    (mail,) = _outbox("reminder_changes_requested")
    assert "Erinnerung" in mail.subject


def test_tick_command_reports_and_is_idempotent(runner, make_application):
    application = make_application("changes_requested")
    with frozen_at(application.case.due_at - timedelta(days=1)):
        first = runner.invoke(args=["tick"])
        second = runner.invoke(args=["tick"])
    assert "1 reminder(s) written" in first.output
    assert "0 reminder(s) written" in second.output
    count = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.template == "reminder_changes_requested")
    )
    assert count == 1
