"""A reclaim (Rückforderung) of a funding notice's money, run as a workflow case of its own.

Opened when an accepted proof of use shows more paid than recognised, or by a reviewer when
the purpose was not met. The city is heard (§ 28 VwVfG); the ministry then revokes the
funding notice in part (§ 49 Abs. 3 VwVfG) and fixes the repayment with interest (§ 49a
Abs. 1, 3 VwVfG) in a written notice served like the funding notice, or drops the procedure.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db
from ..funding.models import NoticeToCity
from ..law.periods import add_months
from ..notices.service import ACTION_OUTCOME_CHECK, SERVICE_MODE_CHECK, ServiceRecord

GROUNDS = ("overpaid", "purpose_not_met")
# § 49 Abs. 3 Satz 2 with § 48 Abs. 4 Satz 1 VwVfG: revocation only within one year from
# the day the authority learned the facts that justify it (all facts relevant to the
# decision: BVerwG GrSen, 19.12.1984, BVerwGE 70, 356). The end is not moved off a weekend:
# it is the authority's own period, and acting earlier is always safe.
REVOCATION_PERIOD_MONTHS = 12
# Reclaim states in which the decided amount is booked as due (ledger kind reclaim_due).
# What part of the amount is still due is amount − principal_received (partial receipts).
DUE_STATES = ("decided", "provided", "not_retrieved", "issued", "final", "contested", "overdue")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@registry.subject("reclaim")
class Reclaim(NoticeToCity, ServiceRecord, db.Model):
    """The reclaim of (part of) a grant: the hearing, the decision notice, the money received."""

    __tablename__ = "reclaim"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("ground IN ('overpaid', 'purpose_not_met')", name="ground_known"),
        CheckConstraint(
            "received_amount IS NULL OR received_amount = amount + interest_received",
            name="received_in_full",
        ),
        CheckConstraint(
            "interest_received IS NULL OR interest_received >= 0", name="interest_positive"
        ),
        CheckConstraint(
            "principal_received >= 0 AND principal_received <= amount",
            name="principal_received_within_amount",
        ),
        CheckConstraint(SERVICE_MODE_CHECK, name="service_mode_known"),
        CheckConstraint(ACTION_OUTCOME_CHECK, name="action_outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    proof_id: Mapped[int | None] = mapped_column(ForeignKey("proof_of_use.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    file_reference: Mapped[str] = mapped_column(String(20), unique=True)
    ground: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(Text)
    facts_known_on: Mapped[date] = mapped_column(Date)
    addressee_name: Mapped[str] = mapped_column(String(200))
    addressee_head: Mapped[str | None] = mapped_column(String(200))
    addressee_address: Mapped[str | None] = mapped_column(String(400))
    # The hearing (§ 28 VwVfG): the letter, its deadline, the city's answer, the outcome.
    hearing_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hearing_deadline: Mapped[date | None] = mapped_column(Date)
    hearing_pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    hearing_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    answer_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    answer_pdf_name: Mapped[str | None] = mapped_column(String(255))
    hearing_outcome: Mapped[str | None] = mapped_column(Text)
    # The decision (§§ 49 Abs. 3, 49a VwVfG) and its notice.
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    interest_from: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payment_due_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    appeal_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The principal received so far, summed over the receipts (reclaim_receipt); the
    # database refuses more than the amount. Interest received is in the receipts.
    principal_received: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    # The settlement: the last receipt's day, all money received, all interest received
    # (set when the case closes; v1 closed on one payment of principal and interest).
    received_on: Mapped[date | None] = mapped_column(Date)
    received_amount: Mapped[Decimal | None] = mapped_column(Money())
    interest_received: Mapped[Decimal | None] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    notice = relationship("FundingNotice")
    proof = relationship("ProofOfUse")
    round = relationship("Round")
    municipality = relationship("Municipality")
    issued_by = relationship("User")
    receipts = relationship(
        "ReclaimReceipt", order_by="ReclaimReceipt.number", lazy="selectin", viewonly=True
    )

    ENDPOINT = "reclaim.page"
    # An opened reclaim is the ministry's consideration until the hearing letter goes out.
    HIDDEN_FROM_CITY = ("opened",)
    # The city attaches the PDF of its answer while the hearing runs (no transition).
    EDITED_IN_STATES = ("hearing",)

    def url_values(self) -> dict:
        """Return the URL values of the reclaim page (with ENDPOINT)."""
        return {"reclaim_id": self.id}

    @property
    def received_total(self) -> Decimal:
        """Return all money received so far (principal, interest and any excess)."""
        return sum((r.amount for r in self.receipts), Decimal("0.00"))

    @property
    def revocation_deadline(self) -> date:
        """Return the last day the notice may be revoked (§ 49 (3) S. 2, § 48 (4) VwVfG)."""
        return add_months(self.facts_known_on, REVOCATION_PERIOD_MONTHS)

    def can_answer(self, user) -> bool:
        """The city answers the hearing while it runs."""
        return (
            getattr(user, "role", None) == "applicant"
            and user.municipality_id == self.municipality_id
            and self.case.state == "hearing"
        )

    def decisive_data(self) -> dict:
        """Return the fields the decisions rest on, JSON-safe (for the history hash)."""
        return {
            "notice_id": self.notice_id,
            "proof_id": self.proof_id,
            "file_reference": self.file_reference,
            "ground": self.ground,
            "amount": _money(self.amount),
            "facts_known_on": _day(self.facts_known_on),
            "hearing_deadline": _day(self.hearing_deadline),
            "hearing_pdf_sha256": self.hearing_pdf_sha256,
            "answer_pdf_sha256": self.answer_pdf_sha256,
            "interest_from": _day(self.interest_from),
            "payment_due_on": _day(self.payment_due_on),
            "pdf_sha256": self.pdf_sha256,
            "made_known_on": _day(self.made_known_on),
            "received_on": _day(self.received_on),
            "received_amount": _money(self.received_amount),
            "interest_received": _money(self.interest_received),
            "principal_received": _money(self.principal_received),
            "receipts": [r.decisive_data() for r in self.receipts],
        }


# The receipts' model must be mapped whenever the reclaim's is (its relationship names it).
from . import receipts  # noqa: E402, F401
