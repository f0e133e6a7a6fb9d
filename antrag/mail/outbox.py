"""Writing messages to the outbox from transitions and reminders (never sending them)."""

import functools
import logging

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import bindparam, select
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


# What mail needs of a recipient (templates read `recipient.name` and `recipient.role`).
RECIPIENT_COLUMNS = ("id", "email", "name", "role", "active")


@functools.cache
def _group_statement(kind: str):
    """The active users of a group mail goes to, by id: a Core read, built once per group."""
    from ..accounts.models import User

    user = User.__table__
    columns = [user.c[name] for name in RECIPIENT_COLUMNS]
    query = select(*columns).where(user.c.active.is_(True)).order_by(user.c.id)
    if kind == "applicant":
        return query.where(
            user.c.role == "applicant", user.c.municipality_id == bindparam("municipality_id")
        )
    if kind == "reviewers":
        return query.where(user.c.role == "reviewer")
    raise ValueError(f"unknown recipient kind {kind!r}")


def group(kind: str, municipality_id: int | None = None) -> list:
    """Return the active users of a group, by id: `reviewers` (the ministry) or `applicant`
    (the accounts of the city `municipality_id`); for the subjects' `recipients`.

    Rows of RECIPIENT_COLUMNS rather than User objects: a mail reads nothing else of them.
    """
    statement = _group_statement(kind)
    db.session.flush()  # as the session's autoflush would: users changed in this transaction
    params = {"municipality_id": municipality_id} if kind == "applicant" else None
    return db.session.connection().execute(statement, params).all()


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
        return _render_german(template, context)


def _render_german(template: str, context: dict) -> tuple[str, str]:
    """Render as `render` does, inside a `force_locale("de")` the caller holds."""
    text = render_template(f"mail/{template}.txt", **context).strip()
    first, _, body = text.partition("\n")
    if not first.startswith("Betreff:"):
        raise ValueError(f"mail template {template!r} must start with 'Betreff:'")
    return first.removeprefix("Betreff:").strip(), body.strip() + "\n"


# Mail to these groups asks someone in the group to act next (co-sign, release, check): the
# person whose step caused it is never among its recipients (they may not act: four eyes).
GROUPS_WITHOUT_THE_ACTOR = frozenset({"reviewers"})

# The outbox rows of a transition are written with one statement outside the session's unit
# of work (nothing in the request reads them back); status, attempts and times take the
# columns' defaults, as through the session.
TABLE = OutboxMessage.__table__
_INSERT = TABLE.insert()


def enqueue(case, subject, mail, **context) -> int:
    """Render `mail` (a definitions.Mail) for each recipient and write it to the outbox now,
    in the caller's transaction; return the number of messages."""
    rows = messages(case, subject, mail, **context)
    if rows:
        db.session.connection().execute(_INSERT, rows)
    return len(rows)


def messages(case, subject, mail, **context) -> list[dict]:
    """Render `mail` for each recipient; return the outbox rows, for the caller to write.

    The engine writes a transition's messages with its history entry (`inserts.insert_now`);
    status, attempts and times are left to the columns' defaults.
    """
    users = recipients(case, subject, mail.to)
    actor = context.get("actor")
    if mail.to in GROUPS_WITHOUT_THE_ACTOR and getattr(actor, "id", None) is not None:
        users = [u for u in users if u.id != actor.id]
    rows = []
    if users:
        context.update(
            case=case,
            subject=subject,
            case_url=absolute_url(subject.ENDPOINT, **subject.url_values()),
        )
        with force_locale("de"):
            for user in users:
                title, body = _render_german(mail.template, {**context, "recipient": user})
                rows.append(
                    {
                        "case_id": case.id,
                        "template": mail.template,
                        "recipient": user.email,
                        "recipient_name": user.name,
                        "subject": title,
                        "body": body,
                    }
                )
    logger.info("Case %s: %d message(s) '%s' queued", case.id, len(users), mail.template)
    return rows


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
