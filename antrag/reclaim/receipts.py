"""Money received on a reclaim, in one payment or in instalments, and what is still open.

Each receipt is recorded (amount, value date, reference) and allocated to the parts of the
claim in the order of § 367 Abs. 1 BGB: costs, then interest, then the principal. The
public-law refund claim (§ 49a VwVfG) has no rule of its own on partial payments; § 49a
Abs. 2 VwVfG refers to the Civil Code for the scope of the refund, and the Civil Code's
order is applied to it in practice. Because that application is not written down in the
VwVfG, the order is the setting RECLAIM_RECEIPT_ORDER (README, "Rechtliche Grundlagen").
The reclaim notice fixes no costs, so the costs part is always zero today.

Interest runs on the principal still open (§ 49a Abs. 3 VwVfG), period by period: from the
interest start to the first receipt on the whole amount, then on what the receipt left
open, and so on up to the day asked for. Unpaid interest bears no interest (§ 289 BGB).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..extensions import db
from ..law.interest import BaseRates, Period, interest

ZERO = Decimal("0.00")
ORDERS = {
    "costs,interest,principal": ("interest", "principal"),  # § 367 Abs. 1 BGB
    "costs,principal,interest": ("principal", "interest"),
}


class ReclaimReceipt(db.Model):
    """One payment received on a reclaim and how it was allocated when it was recorded."""

    __tablename__ = "reclaim_receipt"
    __table_args__ = (
        UniqueConstraint("reclaim_id", "number"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint(
            "to_interest >= 0 AND to_principal >= 0 AND excess >= 0", name="parts_positive"
        ),
        CheckConstraint(
            # within half a cent: SQLite adds NUMERIC columns as binary floats
            "ABS(to_interest + to_principal + excess - amount) < 0.005",
            name="parts_add_up",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reclaim_id: Mapped[int] = mapped_column(ForeignKey("reclaim.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per reclaim
    received_on: Mapped[date] = mapped_column(Date)  # the value date
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str | None] = mapped_column(String(140))
    to_interest: Mapped[Decimal] = mapped_column(Money())
    to_principal: Mapped[Decimal] = mapped_column(Money())
    excess: Mapped[Decimal] = mapped_column(Money())  # more than was owed (flagged)
    provisional: Mapped[bool] = mapped_column(default=False)  # interest beyond known rates
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by = relationship("User")

    def decisive_data(self) -> dict:
        """Return the receipt's decisive fields, JSON-safe."""
        return {
            "reclaim_id": self.reclaim_id,
            "number": self.number,
            "received_on": self.received_on.isoformat(),
            "amount": f"{self.amount:.2f}",
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Allocation:
    """How one receipt is allocated, with the interest accrued up to its value date."""

    received_on: date
    amount: Decimal
    accrued: tuple[Period, ...]
    to_interest: Decimal
    to_principal: Decimal
    excess: Decimal


@dataclass(frozen=True)
class Statement:
    """The account of a reclaim on one day: receipts allocated, what is open, what is unsure."""

    principal: Decimal
    until: date
    allocations: tuple[Allocation, ...]
    periods: tuple[Period, ...]  # every interest period, receipts' and the running one
    principal_open: Decimal
    interest_open: Decimal
    interest_total: Decimal  # all interest accrued up to `until`
    excess: Decimal

    @property
    def open(self) -> Decimal:
        """Return what is still to be paid (principal and interest)."""
        return self.principal_open + self.interest_open

    @property
    def provisional(self) -> bool:
        """Whether some interest lies beyond the known base rates."""
        return any(p.provisional for p in self.periods)

    @property
    def provisional_from(self) -> date | None:
        """Return the first day whose base rate is not known yet, or None."""
        days = [p.first for p in self.periods if p.provisional]
        return min(days) if days else None

    @property
    def settled(self) -> bool:
        """Whether everything is paid and the interest is final."""
        return self.open == ZERO and not self.provisional


def statement(
    principal: Decimal,
    start: date,
    receipts: list[tuple[date, Decimal]],
    until: date,
    rates: BaseRates,
    day_count: str = "act/365",
    order: str = "costs,interest,principal",
) -> Statement:
    """Allocate `receipts` (value date, amount) and accrue interest up to `until`."""
    parts = ORDERS[order]
    open_principal, open_interest, interest_total, excess = principal, ZERO, ZERO, ZERO
    last, allocations, periods = start, [], []
    for received_on, amount in sorted(receipts, key=lambda r: r[0]):
        accrued = _accrue(open_principal, last, received_on, rates, day_count)
        last = max(last, received_on)
        open_interest += accrued.total
        interest_total += accrued.total
        periods.extend(accrued.periods)
        rest, paid = amount, {}
        for part in parts:
            owed = open_interest if part == "interest" else open_principal
            paid[part] = min(rest, owed)
            rest -= paid[part]
        open_interest -= paid["interest"]
        open_principal -= paid["principal"]
        excess += rest
        allocations.append(
            Allocation(
                received_on, amount, accrued.periods, paid["interest"], paid["principal"], rest
            )
        )
    running = _accrue(open_principal, last, until, rates, day_count)
    periods.extend(running.periods)
    return Statement(
        principal=principal,
        until=until,
        allocations=tuple(allocations),
        periods=tuple(periods),
        principal_open=open_principal,
        interest_open=open_interest + running.total,
        interest_total=interest_total + running.total,
        excess=excess,
    )


def _accrue(amount: Decimal, start: date, end: date, rates: BaseRates, day_count: str):
    """Return the interest on `amount`; nothing open bears nothing (and is never provisional)."""
    if amount == ZERO:
        return interest(amount, start, start, rates, day_count)
    return interest(amount, start, end, rates, day_count)
