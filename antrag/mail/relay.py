"""Delivering the outbox: claim each due message, send it, record the outcome.

No transaction is open while the relay talks to the mail server. A message is claimed with a
conditional UPDATE that also counts the attempt; the same short transaction reads what the
mail needs, and it is committed before the SMTP conversation starts. The outcome is recorded
in a new short transaction, only if the claim is still this relay's (the attempt count is the
claim's marker). So two relays running at once never send a message twice, and a slow or
silent server never holds a lock that the web's writes wait for (on SQLite, any transaction
of a command holds the write lock). The claim is a lease: a relay that dies mid-send leaves
the message to be tried again once the lease has run out, so a message may in the worst case
arrive twice but is never lost.
"""

import email.errors
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from .models import OutboxMessage
from .transports import DeliveryError, make_transport

logger = logging.getLogger(__name__)

# Longer than any SMTP conversation can take with MAIL_TIMEOUT per operation.
MIN_LEASE = timedelta(minutes=5)


class OutboxError(Exception):
    """An outbox operation was refused; the message says why, in German."""


@dataclass
class SendReport:
    """What one run of the relay did, as lists of message ids."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # claimed by another relay meanwhile


@dataclass(frozen=True)
class Claim:
    """A message this relay has claimed, with what it needs to send it outside a transaction.

    `attempt` is the message's attempt count set by the claim: an outcome is recorded only
    while the count is still the same, i.e. while no other relay has taken the message over.
    """

    id: int
    attempt: int
    recipient: str
    template: str
    mail: EmailMessage | None  # None when the message cannot be built at all
    error: DeliveryError | None = None


def send_due(limit: int | None = None) -> SendReport:
    """Deliver the due pending messages one by one: claims and outcomes are short transactions."""
    report = SendReport()
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    message_ids = db.session.scalars(query).all()
    db.session.rollback()  # end the read; every claim is its own short transaction
    transport = make_transport(current_app.config)
    try:
        for message_id in message_ids:
            claimed = claim(message_id)
            if claimed is None:
                report.skipped.append(message_id)
                continue
            if not _deliver(claimed, transport, report):
                break
    finally:
        transport.close()
    return report


def claim(message_id: int) -> Claim | None:
    """Take a due pending message for this relay, count the attempt and read it; commit at once.

    Return None when the message is not (or no longer) due, e.g. another relay took it.
    """
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + _lease())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.commit()
        return None
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    try:
        mail, error = build_email(message, current_app.config), None
    except DeliveryError as exc:
        mail, error = None, exc
    claimed = Claim(message.id, message.attempts, message.recipient, message.template, mail, error)
    db.session.commit()
    return claimed


def _deliver(claimed: Claim, transport, report: SendReport) -> bool:
    """Send one claimed message (no transaction open) and record the outcome; False to stop."""
    error = claimed.error
    if error is None:
        try:
            transport.send(claimed.mail, claimed)
        except DeliveryError as exc:
            error = exc
    outcome = record_outcome(claimed, error)
    if outcome is not None:
        getattr(report, outcome).append(claimed.id)
    if error is None:
        logger.info(
            "Outbox message %s '%s' sent to %s", claimed.id, claimed.template, claimed.recipient
        )
    return error is None or not error.server_down


def record_outcome(claimed: Claim, error: DeliveryError | None) -> str | None:
    """Record a send's outcome in a short transaction of its own, if the claim is still ours.

    Return the report list it belongs to ("sent", "retrying" or "failed"), or None when the
    lease had run out and another relay has taken the message over meanwhile.
    """
    if error is None:
        values, outcome = {"status": "sent", "sent_at": utcnow(), "last_error": None}, "sent"
    else:
        values, outcome = _failure(claimed.id, claimed.attempt, error)
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == claimed.id,
            OutboxMessage.status == "pending",
            OutboxMessage.attempts == claimed.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        logger.warning(
            "Outbox message %s: the claim ran out before its outcome (%s) was recorded",
            claimed.id,
            outcome,
        )
        return None
    return outcome


def _failure(message_id: int, attempts: int, error: DeliveryError) -> tuple[dict, str]:
    """Return the values of a failed attempt: failed for good, or due again after the backoff."""
    values = {"last_error": error.text}
    if error.permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        logger.warning("Outbox message %s failed for good: %s", message_id, error.text)
        return values | {"status": "failed"}, "failed"
    logger.info("Outbox message %s will be retried: %s", message_id, error.text)
    return values | {"next_attempt_at": utcnow() + backoff(attempts)}, "retrying"


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try: base × 2^(attempts − 1), capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _lease() -> timedelta:
    return max(MIN_LEASE, timedelta(seconds=10 * current_app.config["MAIL_TIMEOUT"]))


def retry(message_id: int, actor=None) -> OutboxMessage:
    """Put a failed message back into the queue, due now, with fresh attempts; never commit."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise OutboxError(_("Keine Nachricht mit der Nummer %(number)s.", number=message_id))
    if message.status != "failed":
        raise OutboxError(
            _(
                "Nachricht %(number)s ist nicht fehlgeschlagen, sondern %(status)s.",
                number=message_id,
                status=message.status,
            )
        )
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
    logger.info("Outbox message %s put back in the queue by %s", message.id, actor or "the CLI")
    return message


def build_email(message: OutboxMessage, config) -> EmailMessage:
    """Return the message as a UTF-8 plain-text e-mail with From, To, Subject, Date, Message-ID."""
    sender_name, sender_address = parseaddr(config["MAIL_SENDER"])
    try:
        mail = EmailMessage()
        mail["From"] = Address(sender_name, addr_spec=sender_address)
        mail["To"] = Address(message.recipient_name, addr_spec=message.recipient)
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(utcnow())
        mail["Message-ID"] = _message_id(message, sender_address)
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.body, charset="utf-8", cte="quoted-printable")
    except (ValueError, IndexError, email.errors.MessageError) as exc:
        raise DeliveryError(f"Nachricht nicht darstellbar: {exc}", permanent=True) from exc
    return mail


def _message_id(message: OutboxMessage, sender_address: str) -> str:
    """The same id on every attempt, so that a duplicate delivery can be recognised."""
    domain = sender_address.rpartition("@")[2] or "antrag.invalid"
    return f"<outbox.{message.id}.{int(message.created_at.timestamp())}@{domain}>"
