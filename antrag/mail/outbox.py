"""Writing messages to the outbox from transitions and reminders (never sending them)."""

import functools
import json
import logging
from itertools import chain
from typing import NamedTuple

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Text, bindparam, cast, event, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from ..engine import prefetch
from ..engine.registry import RECIPIENT_PREFETCHES
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


class Recipient(NamedTuple):
    """What mail needs of a recipient (templates read `recipient.name` and `recipient.role`)."""

    id: int
    email: str
    name: str
    role: str
    active: bool


RECIPIENT_COLUMNS = Recipient._fields
# The groups `group` reads: the city's accounts (by municipality) and the ministry's.
GROUPS = ("applicant", "reviewers")


def _where(kind: str, user, municipality_id) -> tuple:
    """The conditions of group `kind` on the user table `user`."""
    if kind == "applicant":
        return (user.c.role == "applicant", user.c.municipality_id == municipality_id)
    if kind == "reviewers":
        return (user.c.role == "reviewer",)
    raise ValueError(f"unknown recipient kind {kind!r}")


def _user_table():
    from ..accounts.models import User

    return User.__table__


@functools.cache
def _group_statement(kind: str):
    """The active users of a group mail goes to, by id: a Core read, built once per group."""
    user = _user_table()
    columns = [user.c[name] for name in RECIPIENT_COLUMNS]
    query = select(*columns).where(user.c.active.is_(True)).order_by(user.c.id)
    return query.where(*_where(kind, user, bindparam("municipality_id")))


def _key(kind: str, municipality_id: int | None) -> tuple:
    return ("mail_group", kind, municipality_id if kind == "applicant" else None)


def group(kind: str, municipality_id: int | None = None) -> list[Recipient]:
    """Return the active users of a group, by id: `reviewers` (the ministry) or `applicant`
    (the accounts of the city `municipality_id`); for the subjects' `recipients`.

    Recipients rather than User objects: a mail reads nothing else of them. What the
    transition's load drew (`GROUP_PREFETCHES`) if the transaction changed no user since.
    """
    db.session.flush()  # as the session's autoflush would: users changed in this transaction
    drawn = prefetch.noted(_key(kind, municipality_id))
    if drawn is not prefetch.MISSING:
        return drawn
    params = {"municipality_id": municipality_id} if kind == "applicant" else None
    rows = db.session.connection().execute(_group_statement(kind), params)
    return [Recipient(*row) for row in rows]


def _group_column(kind: str):
    """Draw group `kind` of the subject's city with its load (PostgreSQL: one JSON array)."""

    def column(model):
        user = _user_table().alias("mail_recipient")
        member = func.json_build_array(*(user.c[name] for name in RECIPIENT_COLUMNS))
        municipality = getattr(model, "municipality_id", None)
        if kind == "applicant" and municipality is None:
            return None
        # As text: the load's rows must be hashable (joined collections make it unique them).
        members = cast(func.json_agg(aggregate_order_by(member, user.c.id)), Text)
        return (
            select(members)
            .where(user.c.active.is_(True), *_where(kind, user, municipality))
            .scalar_subquery()
        )

    def keep(subject, members) -> None:
        found = [Recipient(*member) for member in json.loads(members or "[]")]
        prefetch.note(_key(kind, getattr(subject, "municipality_id", None)), found)

    return prefetch.Prefetch(f"mail_group_{kind}", column, keep)


GROUP_PREFETCHES = {kind: _group_column(kind) for kind in GROUPS}
RECIPIENT_PREFETCHES.update(GROUP_PREFETCHES)


@event.listens_for(Session, "after_flush")
def _forget_drawn_groups(session, flush_context):
    """Users written in the transaction: the groups drawn with the load may be out of date."""
    written = chain(session.new, session.dirty, session.deleted)
    if any(getattr(obj, "__tablename__", None) == "user" for obj in written):
        prefetch.forget("mail_group", session)


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
