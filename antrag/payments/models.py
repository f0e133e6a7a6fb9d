"""The payment order (Auszahlungsanordnung) a released call-off of funds gives the treasury."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..extensions import db

CONFIRMATION_SOURCES = ("manual", "camt054")


class PaymentOrder(db.Model):
    """One payment order per released call-off: what the treasury pays, to whom, from where.

    The payee's account is the one the city named when it called off the funds (snapshot on
    the call-off). It is confirmed once: `confirmed_at` is set by a guarded UPDATE (see
    payments.rules), and the call-off moves to "paid" in the same transaction.
    """

    __tablename__ = "payment_order"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "(confirmed_at IS NULL AND value_date IS NULL AND confirmation_source IS NULL) OR "
            "(confirmed_at IS NOT NULL AND value_date IS NOT NULL "
            "AND confirmation_source IN ('manual', 'camt054'))",
            name="confirmation_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(35), unique=True)  # the SEPA EndToEndId
    call_off_id: Mapped[int] = mapped_column(ForeignKey("call_off.id"), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    payee_name: Mapped[str] = mapped_column(String(70))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    purpose: Mapped[str] = mapped_column(String(140))  # SEPA unstructured remittance: 140
    budget_chapter: Mapped[str | None] = mapped_column(String(10))
    budget_title: Mapped[str | None] = mapped_column(String(20))
    budget_year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    ordered_on: Mapped[date] = mapped_column(Date, index=True)  # Berlin day of the release
    ordered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    value_date: Mapped[date | None] = mapped_column(Date)
    confirmation_source: Mapped[str | None] = mapped_column(String(10))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    call_off = relationship("CallOff", back_populates="payment_order")
    notice = relationship("FundingNotice")
    round = relationship("Round")
    ordered_by = relationship("User", foreign_keys=[ordered_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    @property
    def budget_item(self) -> str:
        """Return the budget item as "Kapitel 0302, Titel 883 01" (or "" when not set)."""
        parts = []
        if self.budget_chapter:
            parts.append(f"Kapitel {self.budget_chapter}")
        if self.budget_title:
            parts.append(f"Titel {self.budget_title}")
        return ", ".join(parts)

    def can_view(self, user) -> bool:
        """Whoever may see the call-off may see its order."""
        return self.call_off.can_view(user)

    def decisive_data(self) -> dict:
        """Return the order's decisive fields as JSON-safe values."""
        return {
            "number": self.number,
            "call_off_id": self.call_off_id,
            "notice_id": self.notice_id,
            "amount": str(self.amount),
            "payee_name": self.payee_name,
            "iban": self.iban,
            "bic": self.bic,
            "purpose": self.purpose,
            "budget_chapter": self.budget_chapter,
            "budget_title": self.budget_title,
            "budget_year": self.budget_year,
            "due_on": self.due_on.isoformat(),
            "value_date": self.value_date.isoformat() if self.value_date else None,
        }
