"""Writing messages to the outbox from transitions and reminders (never sending them)."""

import logging

from flask import current_app, render_template
from flask_babel import force_locale
from werkzeug.routing import BuildError

from ..extensions import db
from .models import OutboxMessage

logger = logging.getLogger(__name__)


def absolute_url(endpoint: str, **values) -> str:
    """Return the public URL of an endpoint, also outside a request (e.g. in `flask tick`)."""
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    try:
        path = adapter.build(endpoint, values)
    except BuildError:
        return current_app.config["PUBLIC_URL"]
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def recipients(case, subject, kind: str) -> list:
    """Return the active users a mail of `kind` goes to."""
    if kind == "assignee":
        users = [case.assignee] if case.assignee is not None else []
    else:
        users = subject.recipients(kind)
    return [u for u in users if u is not None and u.active]


def render(template: str, **context) -> tuple[str, str]:
    """Render `templates/mail/<template>.txt`; its first line is `Betreff: …`.

    Mail is an official German communication: it stays German (amounts, dates and labels
    included) whatever language the person who triggered it reads the pages in.
    """
    with force_locale("de"):
        text = render_template(f"mail/{template}.txt", **context).strip()
    first, _, body = text.partition("\n")
    if not first.startswith("Betreff:"):
        raise ValueError(f"mail template {template!r} must start with 'Betreff:'")
    return first.removeprefix("Betreff:").strip(), body.strip() + "\n"


# Mail to these groups asks someone in the group to act next (co-sign, release, check): the
# person whose step caused it is never among its recipients (they may not act: four eyes).
GROUPS_WITHOUT_THE_ACTOR = frozenset({"reviewers"})


def enqueue(case, subject, mail, **context) -> list[OutboxMessage]:
    """Render `mail` (a definitions.Mail) for each recipient and add it to the outbox."""
    messages = []
    users = recipients(case, subject, mail.to)
    actor = context.get("actor")
    if mail.to in GROUPS_WITHOUT_THE_ACTOR and getattr(actor, "id", None) is not None:
        users = [u for u in users if u.id != actor.id]
    for user in users:
        title, body = render(
            mail.template,
            case=case,
            subject=subject,
            recipient=user,
            case_url=absolute_url(subject.ENDPOINT, **subject.url_values()),
            **context,
        )
        message = OutboxMessage(
            case_id=case.id,
            template=mail.template,
            recipient=user.email,
            recipient_name=user.name,
            subject=title,
            body=body,
        )
        db.session.add(message)
        messages.append(message)
    logger.info("Case %s: %d message(s) '%s' queued", case.id, len(messages), mail.template)
    return messages


def enqueue_to_address(
    template: str, recipient: str, recipient_name: str, *, case_id: int | None = None, **context
) -> OutboxMessage:
    """Render `template` for one address rather than for a case's people, and queue it.

    For mail to someone without an account (a registration, a barrier report) or about no
    case at all (an invitation); `case_id` links the message to a case where there is one.
    """
    title, body = render(template, recipient_name=recipient_name, **context)
    message = OutboxMessage(
        case_id=case_id,
        template=template,
        recipient=recipient,
        recipient_name=recipient_name,
        subject=title,
        body=body,
    )
    db.session.add(message)
    logger.info("Message '%s' queued for one address", template)
    return message
