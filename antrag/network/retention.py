"""Deleting what the privacy notice promises to delete: `flask network purge` (run it daily)."""

import logging
from datetime import datetime, timedelta

import click
from flask import current_app
from sqlalchemy import and_, delete, or_

from ..accounts.models import LoginAttempt, UserSession
from ..accounts.oidc_models import OidcLoginRequest
from ..db_types import utcnow
from ..extensions import db
from ..files import remove_orphans
from ..idempotency.models import FormSubmission, IdempotencyKey
from ..limits.models import RateCount
from ..mail.models import OutboxMessage
from ..meetings.retention import purge_registrations
from .blueprint import bp
from .models import AccessibilityFeedback

logger = logging.getLogger(__name__)
# Barrier reports are kept a year, so that a repeated report can be related to the first.
FEEDBACK_RETENTION_DAYS = 365


def purge(now: datetime | None = None) -> dict[str, int]:
    """Delete ended sessions, login attempts, sent mail, old barrier reports, the registrations
    of long-past meetings, orphaned files and what the protection of forms no longer needs
    (expired form tokens, idempotency keys and counters); never commit."""
    now = now or utcnow()
    config = current_app.config
    cutoff = now - timedelta(days=config["PRIVACY_RETENTION_DAYS"])
    statements = {
        "sessions": delete(UserSession).where(
            or_(
                and_(UserSession.ended_at.is_not(None), UserSession.ended_at < cutoff),
                and_(UserSession.ended_at.is_(None), UserSession.last_seen_at < cutoff),
            )
        ),
        "login_attempts": delete(LoginAttempt).where(LoginAttempt.at < cutoff),
        "sent_mail": delete(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff
        ),
        "feedback": delete(AccessibilityFeedback).where(
            AccessibilityFeedback.created_at < now - timedelta(days=FEEDBACK_RETENTION_DAYS)
        ),
        # Their tokens can no longer be sent, their keys no longer repeated, their windows ended.
        "sent_forms": delete(FormSubmission).where(
            FormSubmission.created_at < now - timedelta(hours=config["FORM_TOKEN_HOURS"])
        ),
        "idempotency_keys": delete(IdempotencyKey).where(
            IdempotencyKey.created_at <= now - timedelta(hours=config["IDEMPOTENCY_KEY_HOURS"])
        ),
        "rate_counts": delete(RateCount).where(
            RateCount.window_start <= now - timedelta(minutes=config["PUBLIC_FORM_WINDOW_MINUTES"])
        ),
        # Used or expired: a replayed state finds no row and is refused all the same.
        "sso_logins": delete(OidcLoginRequest).where(
            OidcLoginRequest.created_at < now - timedelta(minutes=config["OIDC_LOGIN_MINUTES"])
        ),
    }
    counts = {
        name: db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount
        for name, stmt in statements.items()
    }
    counts["registrations"] = purge_registrations(now)
    counts["orphaned_files"] = remove_orphans(now)
    logger.info("Purged %s", counts)
    return counts


@bp.cli.command("purge")
def purge_command():
    """Delete the personal data whose storage period has run out (see the privacy notice)."""
    counts = purge()
    db.session.commit()
    click.echo(
        "Deleted: {sessions} sessions, {login_attempts} login attempts, "
        "{sent_mail} sent messages, {feedback} barrier reports, "
        "{registrations} meeting registrations, {orphaned_files} orphaned files, "
        "{sent_forms} sent forms, {idempotency_keys} idempotency keys, "
        "{rate_counts} rate counters, {sso_logins} single sign-on requests.".format(**counts)
    )
