"""The outbox: a transition's mail is one message per recipient, written with the change."""

from datetime import UTC, datetime

from conftest import PASSWORD
from sqlalchemy import func, select

from antrag.accounts.operations import create_user
from antrag.clock import frozen_at
from antrag.engine.definitions import Mail
from antrag.extensions import db
from antrag.mail import outbox
from antrag.mail.models import OutboxMessage

MINISTRY = "Ministerium des Innern und für Sport"


def _reviewer(email, name, active=True):
    user = create_user(
        email=email, name=name, role="reviewer", password=PASSWORD, organisation=MINISTRY
    )
    user.active = active
    return user


def test_group_mail_goes_to_each_active_member_but_the_actor_in_id_order(
    app, make_application, world
):
    application = make_application("submitted")
    carla = _reviewer("carla.prueferin@mdi.rlp.de", "Carla Prüferin")
    _reviewer("dora.ehemalig@mdi.rlp.de", "Dora Ehemalig", active=False)
    db.session.commit()
    before = db.session.scalar(select(func.max(OutboxMessage.id)))
    mail = Mail(to="reviewers", template="application_submitted")
    moment = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

    with frozen_at(moment):
        queued = outbox.enqueue(application.case, application, mail, actor=world.users.reviewer)
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)
    ).all()

    expected = [world.users.reviewer2, carla]
    assert queued == len(messages) == 2
    assert [(m.recipient, m.recipient_name) for m in messages] == [
        (u.email, u.name) for u in expected
    ]
    case_url = outbox.absolute_url(application.ENDPOINT, **application.url_values())
    for message, user in zip(messages, expected, strict=True):
        title, body = outbox.render(
            mail.template,
            case=application.case,
            subject=application,
            recipient=user,
            case_url=case_url,
            actor=world.users.reviewer,
        )
        assert (message.subject, message.body) == (title, body)
        assert body.startswith(f"Guten Tag {user.name},") and body.endswith("\n")
        assert (message.case_id, message.template) == (application.case_id, mail.template)
        assert (message.status, message.attempts) == ("pending", 0)
        assert message.created_at == message.next_attempt_at == moment
        assert message.sent_at is None and message.last_error is None


def test_mail_to_nobody_writes_nothing(app, make_application, world):
    application = make_application("submitted")
    world.users.speyer.active = False
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    queued = outbox.enqueue(
        application.case, application, Mail(to="applicant", template="decision")
    )

    assert queued == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before
