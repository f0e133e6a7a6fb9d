"""Delivering the outbox: claim each due message, send it, record the outcome.

A message is claimed with a conditional UPDATE that is committed before the SMTP
conversation starts, so two relays running at once never send it twice. The claim is a
lease: a relay that dies mid-send leaves the message to be tried again once the lease has
run out, so a message may in the worst case arrive twice but is never lost.
"""

import email.errors
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Longer than any SMTP conversation can take with MAIL_TIMEOUT per operation.
MIN_LEASE = timedelta(minutes=5)


class DeliveryError(Exception):
    """A message was not delivered; `permanent` says that trying again cannot help."""

    def __init__(self, text: str, *, permanent: bool = False, server_down: bool = False):
        super().__init__(text)
        self.text = text[:500]
        self.permanent = permanent
        # The server (or folder) itself failed: the other messages would fail the same way.
        self.server_down = server_down


class OutboxError(Exception):
    """An outbox operation was refused; the message says why, in German."""


@dataclass
class SendReport:
    """What one run of the relay did, as lists of message ids."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # claimed by another relay meanwhile


def send_due(limit: int | None = None) -> SendReport:
    """Deliver the due pending messages one by one, each in its own transactions."""
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
            if not claim(message_id):
                report.skipped.append(message_id)
                continue
            if not _deliver_claimed(message_id, transport, report):
                break
    finally:
        transport.close()
    return report


def claim(message_id: int) -> bool:
    """Take a due pending message for this relay (and count the attempt); commit at once."""
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
    db.session.commit()
    return result.rowcount == 1


def _deliver_claimed(message_id: int, transport, report: SendReport) -> bool:
    """Send one claimed message and record the outcome; False when the run should stop."""
    message = db.session.get(OutboxMessage, message_id)
    try:
        transport.send(build_email(message, current_app.config), message)
    except DeliveryError as error:
        _record_failure(message, error)
        db.session.commit()
        (report.failed if message.status == "failed" else report.retrying).append(message_id)
        return not error.server_down
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    report.sent.append(message_id)
    logger.info(
        "Outbox message %s '%s' sent to %s", message.id, message.template, message.recipient
    )
    return True


def _record_failure(message: OutboxMessage, error: DeliveryError) -> None:
    """Mark the message failed, or due again after the backoff."""
    message.last_error = error.text
    if error.permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        logger.warning("Outbox message %s failed for good: %s", message.id, error.text)
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        logger.info("Outbox message %s will be retried: %s", message.id, error.text)


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


def make_transport(config):
    """Return the transport that MAIL_BACKEND names."""
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpTransport(config)
    if config["MAIL_BACKEND"] == "file":
        folder = config["MAIL_FILE_FOLDER"] or Path(current_app.instance_path) / "mail"
        return FileTransport(Path(folder))
    raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'file', not {config['MAIL_BACKEND']!r}")


class FileTransport:
    """Write each message to `<folder>/<id>.eml` (development)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, mail: EmailMessage, message: OutboxMessage) -> None:
        """Write the message atomically, so that a reader never sees half a file."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.folder / f".{message.id}.eml.part"
            partial.write_bytes(mail.as_bytes())
            partial.replace(self.folder / f"{message.id}.eml")
        except OSError as exc:
            raise DeliveryError(f"Datei nicht geschrieben: {exc}", server_down=True) from exc

    def close(self) -> None:
        """Nothing to close."""


class SmtpTransport:
    """One SMTP connection per run, opened on first use and dropped after a server failure."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage, message: OutboxMessage) -> None:
        """Send one message to its one recipient; raise DeliveryError on any failure."""
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            sender = parseaddr(self.config["MAIL_SENDER"])[1]
            self.smtp.send_message(mail, from_addr=sender, to_addrs=[message.recipient])
        except (smtplib.SMTPException, OSError) as exc:
            error = classify(exc)
            if error.server_down:
                self.close()
            raise error from exc

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["MAIL_SERVER"], c["MAIL_PORT"], c["MAIL_TIMEOUT"]
        if c["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if c["MAIL_USE_TLS"] and not c["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if c["MAIL_USERNAME"]:
                smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        """Say goodbye to the server, or just drop the connection if it is gone."""
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None


def classify(exc: Exception) -> DeliveryError:
    """Turn an SMTP or network error into a temporary or permanent DeliveryError."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return _answer(code, text)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(
            f"Anmeldung am Mailserver abgelehnt: {exc.smtp_code} {_text(exc.smtp_error)}",
            server_down=True,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return _answer(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPResponseException):  # refused the connection or HELO
        return DeliveryError(
            f"Mailserver antwortet {exc.smtp_code} {_text(exc.smtp_error)}", server_down=True
        )
    # smtplib reports a read time-out (no greeting, no answer) as a disconnect caused by it.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return DeliveryError("Zeitüberschreitung beim Mailserver", server_down=True)
    return DeliveryError(f"Mailserver nicht erreichbar: {exc}", server_down=True)


def _answer(code: int, text) -> DeliveryError:
    """5xx is final; 4xx asks to try later (421: the server is closing the connection)."""
    return DeliveryError(
        f"Mailserver antwortet {code} {_text(text)}",
        permanent=500 <= code < 600,
        server_down=code == 421,
    )


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
