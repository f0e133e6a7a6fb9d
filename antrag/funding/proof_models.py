"""What the city declares in its proof of use beyond the expenditure per project.

The receipts list (Belegliste): one row per payment, with its date, payee, purpose and
amount, per project; the reviewer may mark a receipt as not recognised, with a reason.
Income and third-party funds received for the purpose (Einnahmen, Drittmittel) lower what
the city may keep under some financing types (antrag/funding/entitlement.py).
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money
from ..extensions import db

FUNDS_KINDS = {"income": "Einnahmen", "third_party": "Mittel Dritter"}


class ProofReceipt(db.Model):
    """One row of the receipts list of a proof of use."""

    __tablename__ = "proof_receipt"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "NOT not_recognised OR not_recognised_reason IS NOT NULL",
            name="not_recognised_reasoned",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof_of_use.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    payee: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money())
    not_recognised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    not_recognised_reason: Mapped[str | None] = mapped_column(Text)

    project = relationship("Project")


class ProofFunds(db.Model):
    """Income or third-party funds the city received for the purpose, as it declares them."""

    __tablename__ = "proof_funds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('income', 'third_party')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof_of_use.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money())

    @property
    def kind_label(self) -> str:
        """Return the German name of the kind of funds (a domain term, not translated)."""
        return FUNDS_KINDS.get(self.kind, self.kind)


def _amount(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def proof_decisive_data(proof) -> dict:
    """Return the proof's decisive fields as JSON-safe values (amounts as strings)."""
    return {
        "notice_id": proof.notice_id,
        "submitted_at": proof.submitted_at.isoformat() if proof.submitted_at else None,
        "lines": [
            {
                "project_id": line.project_id,
                "spent": _amount(line.spent),
                "recognised": _amount(line.recognised),
                "not_recognised_reason": line.not_recognised_reason,
            }
            for line in proof.lines
        ],
        "receipts": [
            {
                "project_id": r.project_id,
                "paid_on": r.paid_on.isoformat(),
                "payee": r.payee,
                "purpose": r.purpose,
                "amount": _amount(r.amount),
                "not_recognised": r.not_recognised,
                "not_recognised_reason": r.not_recognised_reason,
            }
            for r in proof.receipts
        ],
        "funds": [
            {"kind": f.kind, "description": f.description, "amount": _amount(f.amount)}
            for f in proof.funds
        ],
        "attachments": [a.sha256 for a in proof.attachments],
        "recognised_total": _amount(proof.recognised_total),
        "entitled_amount": _amount(proof.entitled_amount),
        "reclaim_amount": _amount(proof.reclaim_amount),
        "reviewed_by_id": proof.reviewed_by_id,
    }
