"""The membership application, its digitalisation projects and its attachments."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.snapshot import day, money
from ..db_types import Money, UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db
from ..i18n import N_, label

FIELDS_OF_ACTION = {
    "verwaltung": N_("Verwaltung und E-Government"),
    "bildung": N_("Bildung"),
    "mobilitaet": N_("Mobilität"),
    "energie_umwelt": N_("Energie und Umwelt"),
    "gesundheit_pflege": N_("Gesundheit und Pflege"),
    "wirtschaft_handel": N_("Wirtschaft und Handel"),
    "kultur_tourismus": N_("Kultur und Tourismus"),
    "sicherheit": N_("Sicherheit und Ordnung"),
    "infrastruktur": N_("Infrastruktur und Breitband"),
    "beteiligung": N_("Bürgerbeteiligung und Open Data"),
}
# States in which the city still holds the pen and may edit its application.
EDITABLE_STATES = ("draft", "changes_requested")
# States after which an application no longer counts as open for its round.
CLOSED_STATES = ("approved", "rejected", "withdrawn")


@registry.subject("application")
class Application(db.Model):
    """A municipality's application to join the network, with its funding request."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(
            "requested_amount IS NULL OR requested_amount >= 0", name="amount_positive"
        ),
        CheckConstraint("own_contribution IS NULL OR own_contribution >= 0", name="own_positive"),
        CheckConstraint(
            "third_party_funds IS NULL OR third_party_funds >= 0", name="third_party_positive"
        ),
        # One application per city and round while it runs or is approved: it holds the
        # round's slot (true); withdrawn and rejected ones hold none (NULL, which never
        # collides). `true` only, so that a stray false cannot make room for a second one.
        CheckConstraint("holds_round_slot IS NULL OR holds_round_slot = true", name="slot_true"),
        UniqueConstraint(
            "round_id",
            "municipality_id",
            "holds_round_slot",
            name="uq_application_one_per_city_and_round",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_function: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    head_of_administration: Mapped[str | None] = mapped_column(String(200))
    requested_amount: Mapped[Decimal | None] = mapped_column(Money())
    own_contribution: Mapped[Decimal | None] = mapped_column(Money())
    # Third-party funds (Drittmittel) in the financing plan; empty counts as none.
    third_party_funds: Mapped[Decimal | None] = mapped_column(Money())
    # The declaration covers projects not yet begun; a project begun (or to begin) before
    # the notice needs an early start, requested here and decided by the ministry.
    declaration_no_early_start: Mapped[bool] = mapped_column(Boolean, default=False)
    early_start_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    early_start_reason: Mapped[str | None] = mapped_column(Text)
    early_start_decided_on: Mapped[date | None] = mapped_column(Date)
    early_start_approved: Mapped[bool | None] = mapped_column(Boolean)
    declaration_accuracy: Mapped[bool] = mapped_column(Boolean, default=False)
    declaration_privacy: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Cleared by the workflow (effect `release_round_slot`) when the application ends.
    holds_round_slot: Mapped[bool | None] = mapped_column(Boolean, default=True)
    # The latest revision (the application as last submitted), set by `record_revision`:
    # kept here so that the snapshot of every transition covers it without another query.
    revision_number: Mapped[int | None] = mapped_column(Integer)
    revision_hash: Mapped[str | None] = mapped_column(String(64))

    case = relationship("Case", lazy="joined", innerjoin=True)
    round = relationship("Round", lazy="joined", innerjoin=True)
    municipality = relationship("Municipality", lazy="joined", innerjoin=True)
    created_by = relationship("User")
    projects = relationship(
        "Project",
        order_by="Project.position",
        cascade="all, delete-orphan",
        back_populates="application",
    )
    attachments = relationship(
        "Attachment", order_by="Attachment.uploaded_at", back_populates="application"
    )

    ENDPOINT = "applications.detail"
    RECIPIENTS = ("applicant", "reviewers")
    # Kinds whose `recipients` are `outbox.group(kind, self.municipality_id)` (all of them):
    # an API transition on PostgreSQL draws them with its load (`engine.prefetch`).
    MAIL_GROUPS = RECIPIENTS

    @property
    def state(self) -> str:
        return self.case.state

    def url_values(self) -> dict:
        """Return the URL values of the case page (with ENDPOINT)."""
        return {"application_id": self.id}

    def recipients(self, kind: str) -> list:
        """Return the users a mail to `kind` (one of RECIPIENTS) goes to (`outbox.group`)."""
        from ..mail.outbox import group

        return group(kind, self.municipality_id)

    @property
    def council_resolution(self):
        """Return the newest council resolution upload, or None."""
        found = [a for a in self.attachments if a.kind == "council_resolution"]
        return found[-1] if found else None

    def financing_plan(self):
        """Return the financing plan (total cost, own contribution, third-party funds, grant)."""
        from .financing import plan_of

        return plan_of(self)

    # States in which the city edits the form outside transitions: not compared by audit.
    EDITED_IN_STATES = EDITABLE_STATES

    @property
    def latest_revision(self):
        """Return the newest revision (the application as last submitted), or None."""
        from .revisions import latest_of

        return latest_of(self.id) if self.id is not None else None

    def decisive_data(self) -> dict:
        """Return what the decision rests on: amounts, projects, financing plan, documents.

        Once the application has revisions (membership v2 on), the latest one's number and
        hash are part of it: the history entry of a submission then covers the frozen text.
        """
        data = self._current_data()
        if self.revision_number is not None:  # left out before the first: old snapshots stay
            data["revision"] = {"number": self.revision_number, "content_hash": self.revision_hash}
        return data

    def _current_data(self) -> dict:
        plan = self.financing_plan()
        return {
            "round_id": self.round_id,
            "municipality_id": self.municipality_id,
            "requested_amount": money(self.requested_amount),
            "own_contribution": money(self.own_contribution),
            "third_party_funds": money(self.third_party_funds),
            "financing_plan": {
                "total_cost": money(plan.total_cost),
                "own_contribution": money(plan.own_contribution),
                "third_party_funds": money(plan.third_party_funds),
                "grant": money(plan.grant),
            },
            "early_start": {
                "requested": bool(self.early_start_requested),
                "approved": self.early_start_approved,
                "decided_on": day(self.early_start_decided_on),
            },
            "projects": [
                {
                    "id": p.id,
                    "title": p.title,
                    "description": p.description,
                    "field_of_action": p.field_of_action,
                    "period_start": day(p.period_start),
                    "period_end": day(p.period_end),
                    "estimated_cost": money(p.estimated_cost),
                }
                for p in self.projects
            ],
            "attachments": [
                {"id": a.id, "kind": a.kind, "sha256": a.sha256} for a in self.attachments
            ],
        }

    def can_view(self, user) -> bool:
        """Return whether `user` may see this application at all (else: 404)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if user.role == "applicant":
            return user.municipality_id == self.municipality_id
        if user.role == "reviewer":
            return self.submitted_at is not None
        if user.role == "mentor":
            from ..mentoring.models import mentor_follows

            return mentor_follows(user.id, self.id)
        return False

    def can_edit(self, user) -> bool:
        """Return whether `user` may change the form now."""
        return (
            user.role == "applicant"
            and user.municipality_id == self.municipality_id
            and self.case.state in EDITABLE_STATES
        )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.municipality_id} round={self.round_id}>"


class Project(db.Model):
    """One digitalisation project the city plans within the network."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_positive"),
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    field_of_action: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Money())

    application = relationship("Application", back_populates="projects")

    @property
    def field_of_action_label(self) -> str:
        return label(FIELDS_OF_ACTION.get(self.field_of_action or "", ""))


class Attachment(db.Model):
    """An uploaded file, stored outside the web root under a generated name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application = relationship("Application", back_populates="attachments")
    uploaded_by = relationship("User")
