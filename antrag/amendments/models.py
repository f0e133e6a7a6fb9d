"""The amendment notice (Änderungsbescheid) and the conditions it adds to a funding notice."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db
from ..funding.models import NoticeToCity
from ..notices.service import ACTION_OUTCOME_CHECK, SERVICE_MODE_CHECK, ServiceRecord

# The amendment's states before it is signed: the draft is the ministry's internal matter.
UNSIGNED_STATES = ("drafted", "proposed", "cosigned")
CHANGE_CHECK = (
    "new_amount IS NOT NULL OR new_period_end IS NOT NULL OR additional_condition IS NOT NULL"
)


@registry.subject("amendment_notice")
class AmendmentNotice(NoticeToCity, ServiceRecord, db.Model):
    """A notice changing a funding notice in force: longer period, lower amount, a condition.

    The change takes effect when the amendment is made known to the city (§ 43 (1) VwVfG);
    until then the funding notice stays as it was. `previous_*` record what it replaced.
    """

    __tablename__ = "amendment_notice"
    __table_args__ = (
        CheckConstraint(CHANGE_CHECK, name="has_change"),
        CheckConstraint("new_amount IS NULL OR new_amount > 0", name="new_amount_positive"),
        CheckConstraint(SERVICE_MODE_CHECK, name="service_mode_known"),
        CheckConstraint(ACTION_OUTCOME_CHECK, name="action_outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    file_reference: Mapped[str] = mapped_column(String(20), unique=True)
    new_amount: Mapped[Decimal | None] = mapped_column(Money())
    new_period_end: Mapped[date | None] = mapped_column(Date)
    additional_condition: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text)
    previous_amount: Mapped[Decimal | None] = mapped_column(Money())
    previous_period_end: Mapped[date | None] = mapped_column(Date)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    addressee_name: Mapped[str] = mapped_column(String(200))
    addressee_head: Mapped[str | None] = mapped_column(String(200))
    addressee_address: Mapped[str | None] = mapped_column(String(400))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    appeal_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    notice = relationship("FundingNotice")
    round = relationship("Round")
    municipality = relationship("Municipality")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])

    ENDPOINT = "amendments.amendment"
    # The draft's changes and reasons are edited on its page before it is proposed.
    EDITED_IN_STATES = ("drafted",)
    NOTICE_KIND = "Änderungsbescheid"

    def url_values(self) -> dict:
        """Return the URL values of the amendment page (with ENDPOINT)."""
        return {"amendment_id": self.id}

    def can_view(self, user) -> bool:
        """The ministry sees every amendment; the city its own, once it is signed (else: 404)."""
        if not super().can_view(user):
            return False
        return user.role == "reviewer" or self.issued_at is not None

    def can_sign_draft(self, user) -> bool:
        """A reviewer with signing authority previews the letter until it is issued."""
        return (
            getattr(user, "role", None) == "reviewer"
            and getattr(user, "can_sign", False) is True
            and self.case.state in UNSIGNED_STATES
        )

    def can_edit(self, user) -> bool:
        """A reviewer edits the changes and reasons while the amendment is a draft."""
        return getattr(user, "role", None) == "reviewer" and self.case.state == "drafted"

    @property
    def reduction(self) -> Decimal | None:
        """Return by how much the amount is lowered (from the notice's amount, or as applied)."""
        if self.new_amount is None:
            return None
        before = self.previous_amount if self.previous_amount is not None else self.notice.amount
        return before - self.new_amount

    def decisive_data(self) -> dict:
        """Return the decisive fields as JSON-safe values (for the history hash)."""
        return {
            "notice_id": self.notice_id,
            "file_reference": self.file_reference,
            "new_amount": None if self.new_amount is None else f"{self.new_amount:.2f}",
            "new_period_end": self.new_period_end.isoformat() if self.new_period_end else None,
            "additional_condition": self.additional_condition,
            "reasons": self.reasons,
            "addressee_name": self.addressee_name,
            "issued_by_id": self.issued_by_id,
            "pdf_sha256": self.pdf_sha256,
            "made_known_on": self.made_known_on.isoformat() if self.made_known_on else None,
        }


class NoticeCondition(db.Model):
    """A condition (Auflage, § 36 (2) Nr. 4 VwVfG) an amendment added to a funding notice."""

    __tablename__ = "notice_condition"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment_notice.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)

    amendment = relationship("AmendmentNotice")
