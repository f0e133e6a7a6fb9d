"""Revisions (Fassungen): every submission of an application, frozen as it was submitted.

Each submit and resubmit (workflow effect `record_revision`, membership v2 on) stores the
application as the city sent it: every field, the financing plan, the projects and the
attachments' SHA-256, as canonical JSON with its SHA-256. Revisions are numbered 1, 2, …
per application and chained (each names the hash of the one before). The database refuses
UPDATE and DELETE on them (triggers, migration 0028), so what a city first submitted is
never overwritten by what it sent later. The receipt (Eingangsbestätigung) is rendered from
a revision (`antrag.letters.render_receipt`); the diff between two (`revision_diff`) shows
the reviewer what a resubmission changed.
"""

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.snapshot import canonical, day, moment, money, sha256
from ..db_types import UTCDateTime
from ..engine import effect
from ..engine.calendar import BERLIN
from ..extensions import db

GENESIS = "0" * 64
REFERENCE_PREFIX = "DS"


class ApplicationRevision(db.Model):
    """One submission of an application, immutable (the database refuses changes)."""

    __tablename__ = "application_revision"
    __table_args__ = (
        UniqueConstraint("application_id", "number", name="uq_application_revision_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(40))  # submit | resubmit
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    file_reference: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: outlives accounts
    actor_name: Mapped[str] = mapped_column(String(200))
    # The canonical JSON of `content()`; `content_hash` is its SHA-256 and covers
    # number, moment, file reference and the previous revision's hash too.
    content_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)

    application = relationship("Application")

    def content(self) -> dict:
        """Return the frozen application (see `frozen_content`) with the revision's facts."""
        return json.loads(self.content_json)

    def verifies(self) -> bool:
        """Return whether the stored content still matches its hash."""
        return sha256(self.content_json) == self.content_hash

    def decisive_data(self) -> dict:
        """Return the revision's decisive data: which application, which number, its hash."""
        return {
            "application_id": self.application_id,
            "number": self.number,
            "received_at": moment(self.received_at),
            "content_hash": self.content_hash,
        }

    def receipt_url(self) -> str:
        """Return the public URL of the receipt PDF (for mail; also outside a request)."""
        from ..mail.outbox import absolute_url

        return absolute_url(
            "applications.receipt", application_id=self.application_id, number=self.number
        )

    def can_view(self, user) -> bool:
        """Whoever may see the application may see what it submitted."""
        return self.application.can_view(user)

    def __repr__(self) -> str:
        return f"<ApplicationRevision {self.application_id}#{self.number}>"


def file_reference_of(application) -> str:
    """Return the application's Aktenzeichen: `DS-<year of first submission>-A<id>`."""
    year = application.submitted_at.astimezone(BERLIN).year
    return f"{REFERENCE_PREFIX}-{year}-A{application.id:04d}"


def frozen_content(application) -> dict:
    """Return everything the city submitted, JSON-safe (amounts as strings, dates ISO)."""
    plan = application.financing_plan()
    return {
        "application_id": application.id,
        "round": {"id": application.round_id, "name": application.round.name},
        "municipality": {"id": application.municipality_id, "name": application.municipality.name},
        "contact_name": application.contact_name,
        "contact_function": application.contact_function,
        "contact_email": application.contact_email,
        "contact_phone": application.contact_phone,
        "head_of_administration": application.head_of_administration,
        "requested_amount": money(application.requested_amount),
        "own_contribution": money(application.own_contribution),
        "third_party_funds": money(application.third_party_funds),
        "financing_plan": {
            "total_cost": money(plan.total_cost),
            "own_contribution": money(plan.own_contribution),
            "third_party_funds": money(plan.third_party_funds),
            "grant": money(plan.grant),
        },
        "early_start_requested": bool(application.early_start_requested),
        "early_start_reason": application.early_start_reason,
        "declaration_no_early_start": bool(application.declaration_no_early_start),
        "declaration_accuracy": bool(application.declaration_accuracy),
        "declaration_privacy": bool(application.declaration_privacy),
        "projects": [
            {
                "id": p.id,
                "position": p.position,
                "title": p.title,
                "description": p.description,
                "field_of_action": p.field_of_action,
                "period_start": day(p.period_start),
                "period_end": day(p.period_end),
                "estimated_cost": money(p.estimated_cost),
            }
            for p in application.projects
        ],
        "attachments": [
            {
                "id": a.id,
                "kind": a.kind,
                "name": a.original_name,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in application.attachments
        ],
    }


def revisions_of(application_id: int) -> list[ApplicationRevision]:
    """Return the application's revisions, oldest first."""
    return list(
        db.session.scalars(
            db.select(ApplicationRevision)
            .where(ApplicationRevision.application_id == application_id)
            .order_by(ApplicationRevision.number)
        )
    )


def latest_number(application_id_column):
    """Return the correlated SQL value: the number of the application's newest revision.

    One index seek per row (uq_application_revision_number), so that a list shows which
    applications were resubmitted without a query per row.
    """
    return (
        db.select(db.func.max(ApplicationRevision.number))
        .where(ApplicationRevision.application_id == application_id_column)
        .scalar_subquery()
    )


def latest_of(application_id: int) -> ApplicationRevision | None:
    """Return the application's newest revision, or None."""
    return db.session.scalars(
        db.select(ApplicationRevision)
        .where(ApplicationRevision.application_id == application_id)
        .order_by(ApplicationRevision.number.desc())
        .limit(1)
    ).first()


def revision(application_id: int, number: int) -> ApplicationRevision | None:
    """Return revision `number` of the application, or None."""
    return db.session.scalars(
        db.select(ApplicationRevision).filter_by(application_id=application_id, number=number)
    ).first()


def freeze(application, *, trigger: str, actor, now: datetime) -> ApplicationRevision:
    """Store the application as submitted now as its next revision (flushes, never commits).

    Two submissions of one application cannot race here: the transition's compare-and-set
    holds the case row; the unique (application, number) would refuse a second number anyway.
    """
    previous = latest_of(application.id)
    number = previous.number + 1 if previous else 1
    reference = file_reference_of(application)
    content = {
        "revision": number,
        "trigger": trigger,
        "received_at": moment(now),
        "file_reference": reference,
        "previous_hash": previous.content_hash if previous else GENESIS,
        "application": frozen_content(application),
    }
    text = canonical(content)
    found = ApplicationRevision(
        application_id=application.id,
        number=number,
        trigger=trigger,
        received_at=now,
        file_reference=reference,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "display_name", None) or str(getattr(actor, "role", "")),
        content_json=text,
        content_hash=sha256(text),
    )
    db.session.add(found)
    application.revision_number, application.revision_hash = number, found.content_hash
    db.session.flush()
    return found


@effect("record_revision")
def record_revision(ctx) -> None:
    """Freeze the application as submitted by this transition (submit, resubmit)."""
    freeze(ctx.subject, trigger=ctx.transition.trigger, actor=ctx.actor, now=ctx.now)
