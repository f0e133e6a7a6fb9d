"""Deleting the registrations of past meetings; the meeting keeps their counts for reporting.

Names, addresses and accessibility needs (possibly health data) are needed to organise a
meeting and follow it up, not for ever: MEETING_RETENTION_DAYS after a meeting's end,
`flask network purge` stores the counts on the meeting and deletes its registrations with
the mails written to them. Their cases and history entries stay (they name no person: the
actor of a registration is "Anmeldung ohne Konto").
"""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..mail.models import OutboxMessage
from .models import Meeting, MeetingRegistration, count_registrations

logger = logging.getLogger(__name__)


def purge_registrations(now: datetime) -> int:
    """Keep the counts of long-past meetings and delete their registrations; never commit."""
    cutoff = now - timedelta(days=current_app.config["MEETING_RETENTION_DAYS"])
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.ends_at < cutoff, ~Meeting.kept_counts.has())
    ).all()
    if not meetings:
        return 0
    for meeting in meetings:
        counts = count_registrations(meeting)
        counts.purged_at = now
        db.session.add(counts)
    db.session.flush()
    ids = [m.id for m in meetings]
    cases = select(MeetingRegistration.case_id).where(MeetingRegistration.meeting_id.in_(ids))
    options = {"synchronize_session": False}
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.case_id.in_(cases)), execution_options=options
    )
    deleted = db.session.execute(
        delete(MeetingRegistration).where(MeetingRegistration.meeting_id.in_(ids)),
        execution_options=options,
    ).rowcount
    logger.info("Registrations of meetings %s deleted (%d), counts kept", ids, deleted)
    return deleted
