"""The transports of the relay: SMTP in production, `.eml` files in development.

A transport sends one built message to its one recipient and raises DeliveryError, classified
as temporary or permanent, and whether the server itself is down. It knows nothing of the
database: the relay calls it with no transaction open.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from flask import current_app


class Envelope(Protocol):
    """What a transport needs besides the built mail: the message's id and its one recipient."""

    id: int
    recipient: str


class DeliveryError(Exception):
    """A message was not delivered; `permanent` says that trying again cannot help."""

    def __init__(self, text: str, *, permanent: bool = False, server_down: bool = False):
        super().__init__(text)
        self.text = text[:500]
        self.permanent = permanent
        # The server (or folder) itself failed: the other messages would fail the same way.
        self.server_down = server_down


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

    def send(self, mail: EmailMessage, message: Envelope) -> None:
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

    def send(self, mail: EmailMessage, message: Envelope) -> None:
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
