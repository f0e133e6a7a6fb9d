"""Writing a message: checked, stored with its PDF, mailed to the other side via the outbox."""

import logging

from flask_babel import gettext as _

from ..applications.storage import UploadRefused, check_pdf, safe_display_name
from ..engine.spec import Mail
from ..extensions import db
from ..files import write_new
from ..input_text import text_problem
from ..mail import outbox
from .models import CaseMessage
from .rules import case_title, may_read, sees_internal

logger = logging.getLogger(__name__)
BODY_MAX = 5000


class MessageRefused(ValueError):
    """The message is not stored; `errors` maps field names to German messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def post_message(user, case, subject, body: str, *, internal=False, upload=None) -> CaseMessage:
    """Store a message on `case` by `user` and queue the mail; never commits.

    A message of the city goes to the clerk who holds the case (else to the ministry), one
    of the ministry to the city's accounts; an internal note is mailed to nobody.
    """
    if not may_read(user, subject):
        raise PermissionError("may not write on this case")
    if internal and not sees_internal(user):
        raise PermissionError("only the ministry writes internal notes")
    errors = {}
    text = (body or "").strip()
    problem = text_problem(body or "", multiline=True)
    if problem:
        errors["body"] = problem
    elif not text:
        errors["body"] = _("Bitte schreiben Sie eine Nachricht.")
    elif len(text) > BODY_MAX:
        errors["body"] = _("Höchstens %(count)s Zeichen.", count=BODY_MAX)
    data = upload.read() if upload is not None and upload.filename else None
    if data is not None:
        try:
            check_pdf(data)
        except UploadRefused as exc:
            errors["attachment"] = str(exc)
    if errors:
        raise MessageRefused(errors)
    message = CaseMessage(
        case_id=case.id,
        author_id=user.id,
        author_name=user.name,
        author_role=user.role,
        body=text,
        internal=bool(internal),
    )
    if data is not None:
        message.attachment_stored_name, message.attachment_sha256 = write_new(data)
        message.attachment_name = safe_display_name(upload.filename)
        message.attachment_size = len(data)
    db.session.add(message)
    db.session.flush()
    if not message.internal:
        _mail(case, subject, message, user)
    logger.info("Message %s on case %s by user %s", message.id, case.id, user.id)
    return message


def _mail(case, subject, message: CaseMessage, author) -> None:
    if author.role == "applicant":
        to = "assignee" if case.assignee is not None else "reviewers"
        mail = Mail(to=to, template="message_to_ministry")
    else:
        mail = Mail(to="applicant", template="message_to_city")
    outbox.enqueue(
        case,
        subject,
        mail,
        message=message,
        actor=author,
        title=case_title(case, subject),
        messages_url=outbox.absolute_url("messages.conversation", case_id=case.id),
    )
