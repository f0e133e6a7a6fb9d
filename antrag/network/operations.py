"""Changes of the network pages: a city's sharing choice and a barrier report (never commit)."""

import logging

from flask import current_app

from ..db_types import utcnow
from ..extensions import db
from ..mail.outbox import absolute_url, enqueue_to_address
from .models import AccessibilityFeedback, SharedProject

logger = logging.getLogger(__name__)


def set_sharing(user, project, *, shared: bool, summary=None, contact_email=None) -> SharedProject:
    """Record whether (and how) the city shows `project` in the directory; the view checked access."""
    row = db.session.get(SharedProject, project.id)
    if row is None:
        row = SharedProject(project_id=project.id, project=project)
        db.session.add(row)
    row.shared = shared
    row.summary = summary
    row.contact_email = contact_email
    row.updated_by = user
    row.updated_at = utcnow()
    db.session.flush()
    logger.info(
        "Project %s %s by user %s", project.id, "shared" if shared else "not shared", user.id
    )
    return row


def record_feedback(user, *, page_url=None, description: str, name=None, email=None):
    """Store a barrier report and write it to the outbox for the accessibility contact."""
    feedback = AccessibilityFeedback(
        page_url=page_url, description=description, name=name, email=email
    )
    db.session.add(feedback)
    db.session.flush()
    config = current_app.config
    enqueue_to_address(
        "feedback_received",
        config["ACCESSIBILITY_CONTACT_EMAIL"],
        config["ACCESSIBILITY_CONTACT_NAME"],
        feedback=feedback,
        list_url=absolute_url("network.feedback_list"),
    )
    logger.info(
        "Accessibility feedback %s recorded (user %s)",
        feedback.id,
        user.id if getattr(user, "is_authenticated", False) else "anonymous",
    )
    return feedback
