"""The daily digest: one mail per person and day of what is new and what is overdue.

`send_digests()` runs from the timer (`flask tick`). A row of `digest_sent` (unique per
person and Berlin day) is written in the same transaction as the mail, so that a second
tick on the same day, or two ticks at once, send nothing more. People who declined the
digest on their account page (`user.digest_opt_out`) get none; a day with nothing to
report sends nothing (and is still recorded as done).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..engine.calendar import BERLIN
from ..extensions import db
from ..mail.outbox import absolute_url, enqueue_to_address
from .claims import stands_for
from .ministry import Filters, inbox_rows
from .models import DigestSent
from .others import city_inbox, mentor_inbox

logger = logging.getLogger(__name__)

DIGEST_LIMIT = 20
ROLES = ("reviewer", "applicant", "mentor")


@dataclass
class Digest:
    """What one person's digest reports."""

    new: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    escalated: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.overdue or self.escalated)


def _ministry_rows(user, now, filters: Filters, holders) -> list:
    return inbox_rows(filters, user, now, holders, per_page=DIGEST_LIMIT)[0]


def digest_for(user, now: datetime) -> Digest:
    """Return what is new (since a day ago) and overdue in the person's inbox."""
    since = now - timedelta(days=1)
    if user.role == "reviewer":
        holders = [user.id, *stands_for(user, now.astimezone(BERLIN).date())]
        digest = Digest()
        for scope in ("mine", "unclaimed"):
            new = Filters(scope=scope, changed_since=since)
            digest.new += _ministry_rows(user, now, new, holders)
            digest.overdue += _ministry_rows(user, now, Filters(scope=scope, overdue=True), holders)
        if user.lead:
            digest.escalated = _ministry_rows(user, now, Filters(escalated=True), holders)
        return digest
    rows = []
    if user.role == "applicant":
        rows = city_inbox(user, now)[0]
    elif user.role == "mentor":
        rows = mentor_inbox(user, now)
    return Digest(
        new=[r for r in rows if r.since >= since][:DIGEST_LIMIT],
        overdue=[r for r in rows if r.overdue][:DIGEST_LIMIT],
    )


def send_digests(now: datetime) -> int:
    """Queue today's digest for everyone who has not had it yet; return how many were queued."""
    day = now.astimezone(BERLIN).date()
    done = select(DigestSent.user_id).where(DigestSent.day == day)
    people = db.session.scalars(
        select(User)
        .where(
            User.role.in_(ROLES),
            User.active.is_(True),
            User.digest_opt_out.is_(False),
            User.id.not_in(done),
        )
        .order_by(User.id)
    ).all()
    queued = 0
    for user in people:
        digest = digest_for(user, now)
        try:
            with db.session.begin_nested():
                db.session.add(DigestSent(user_id=user.id, day=day))
        except IntegrityError:  # another tick wrote it first
            db.session.rollback()
            continue
        if digest:
            enqueue_to_address(
                "inbox_digest",
                user.email,
                user.name,
                digest=digest,
                day=day,
                inbox_url=absolute_url("inbox.index"),
                escalation_days=current_app.config["ESCALATION_WORKING_DAYS"],
            )
            queued += 1
        db.session.commit()
    logger.info("Daily digest: %d mail(s) queued for %s", queued, day.isoformat())
    return queued
