"""Mail to the address a registration gave: rendered into the outbox, sent by the relay."""

from ..mail.models import OutboxMessage
from ..mail.outbox import absolute_url, enqueue_to_address


def enqueue_to_registrant(registration, template: str, **context) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` for the registration's person and queue it."""
    meeting = registration.meeting
    return enqueue_to_address(
        template,
        registration.email,
        registration.name,
        case_id=registration.case_id,
        registration=registration,
        meeting=meeting,
        meeting_url=absolute_url("meetings.detail", meeting_id=meeting.id),
        ics_url=absolute_url("meetings.ics", meeting_id=meeting.id),
        **context,
    )
