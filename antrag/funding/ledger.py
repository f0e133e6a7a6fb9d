"""A round's budget ledger: its figures and the check that they reconcile to the cent."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..db_types import CENT
from ..engine.models import Case
from ..extensions import db
from ..formats import format_money
from ..i18n import N_, label
from .models import BudgetEntry, FundingNotice

ZERO = Decimal("0.00")
# Running total on Round → the ledger kinds that raise it (+1) or lower it (−1).
TOTALS = {
    "committed": {"commitment": 1, "annulment": -1, "reduction": -1},
    "reserved": {"reservation": 1, "release": -1},
    "ordered": {"order": 1, "payment": -1},
    "paid": {"payment": 1},
    # The legacy kind `reclaim` was booked at the proof's acceptance and counted as received.
    "reclaimed": {"reclaim": 1, "reclaim_received": 1},
    "reclaim_due": {"reclaim_due": 1, "reclaim_received": -1, "reclaim_cancelled": -1},
}
KIND_LABELS = {
    "reservation": N_("Vormerkung"),
    "release": N_("Auflösung der Vormerkung"),
    "commitment": N_("Bindung"),
    "order": N_("Auszahlungsanordnung"),
    "payment": N_("Auszahlung"),
    "reclaim": N_("Rückforderung"),
    "annulment": N_("Aufhebung der Bindung"),
    "reduction": N_("Minderung durch Änderungsbescheid"),
    "reclaim_due": N_("Rückforderung festgesetzt"),
    "reclaim_received": N_("Rückforderung eingegangen"),
    "reclaim_cancelled": N_("Rückforderung aufgehoben"),
}
TOTAL_LABELS = {
    "committed": N_("Gebunden"),
    "reserved": N_("Vorgemerkt"),
    "ordered": N_("Angewiesen"),
    "paid": N_("Ausgezahlt"),
    "reclaimed": N_("Rückforderung eingegangen"),
    "reclaim_due": N_("Rückforderung festgesetzt"),
}
# Notice states in which the notice's amount is committed against the round's budget.
COMMITTED_STATES = ("provided", "not_retrieved", "issued", "contested", "final", "closed")
# The state in which a notice's amount is reserved: approved, not yet issued.
RESERVED_STATE = "drafted"


def _money(value) -> Decimal:
    """Return a sum from the database as an exact amount (SQLite sums in floating point)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


def figures(round_) -> dict[str, Decimal]:
    """Return the round's budget, committed, reserved, ordered, paid, reclaimed, due, available."""
    return {
        "budget": round_.budget,
        "committed": round_.committed,
        "reserved": round_.reserved,
        "ordered": round_.ordered,
        "paid": round_.paid,
        "reclaimed": round_.reclaimed,
        "reclaim_due": round_.reclaim_due,
        "available": round_.available,
    }


def entry_totals(round_) -> dict[str, Decimal]:
    """Return what the round's ledger entries add up to for each running total."""
    rows = db.session.execute(
        select(BudgetEntry.kind, func.sum(BudgetEntry.amount))
        .where(BudgetEntry.round_id == round_.id)
        .group_by(BudgetEntry.kind)
    )
    by_kind = {kind: _money(total) for kind, total in rows}
    return {
        total: sum((sign * by_kind.get(kind, ZERO) for kind, sign in kinds.items()), ZERO)
        for total, kinds in TOTALS.items()
    }


def _notices_in(round_, states) -> Decimal:
    """Return the sum of the amounts of the round's notices in `states`."""
    total = db.session.scalar(
        select(func.sum(FundingNotice.amount))
        .join(Case, FundingNotice.case_id == Case.id)
        .where(FundingNotice.round_id == round_.id, Case.state.in_(states))
    )
    return _money(total)


def committed_by_notices(round_) -> Decimal:
    """Return the sum of the amounts of the round's issued, final and closed notices."""
    return _notices_in(round_, COMMITTED_STATES)


def reserved_by_notices(round_) -> Decimal:
    """Return the sum of the amounts of the round's notices approved but not yet issued."""
    return _notices_in(round_, (RESERVED_STATE,))


def _overpaid_notices(round_) -> list[str]:
    """Return the file references of notices with more ordered or paid out than granted.

    Every payment follows an order of the same amount, so the orders bound both.
    """
    paid = func.sum(BudgetEntry.amount)
    rows = db.session.execute(
        select(FundingNotice.file_reference, FundingNotice.amount, paid)
        .join(BudgetEntry, BudgetEntry.notice_id == FundingNotice.id)
        .where(BudgetEntry.round_id == round_.id, BudgetEntry.kind == "order")
        .group_by(FundingNotice.id, FundingNotice.file_reference, FundingNotice.amount)
    )
    return [
        _(
            "Zum Bescheid %(reference)s wurden %(paid)s ausgezahlt, bewilligt sind nur %(amount)s.",
            reference=reference,
            paid=format_money(_money(total)),
            amount=format_money(amount),
        )
        for reference, amount, total in rows
        if _money(total) > amount
    ]


def _foreign_entries(round_) -> list[str]:
    """Return a message per ledger entry booked on this round for another round's notice."""
    references = db.session.scalars(
        select(FundingNotice.file_reference)
        .join(BudgetEntry, BudgetEntry.notice_id == FundingNotice.id)
        .where(BudgetEntry.round_id == round_.id, FundingNotice.round_id != round_.id)
        .distinct()
        .order_by(FundingNotice.file_reference)
    )
    return [
        _(
            "Buchungen zum Bescheid %(reference)s stehen in dieser Runde, "
            "der Bescheid gehört aber zu einer anderen.",
            reference=reference,
        )
        for reference in references
    ]


def reconcile(round_) -> list[str]:
    """Return what does not add up in the round's ledger; empty when all matches."""
    problems = []
    ledger = entry_totals(round_)
    for total, booked in ledger.items():
        stored = getattr(round_, total)
        if stored != booked:
            problems.append(
                _(
                    "%(total)s: Die Runde führt %(stored)s, die Buchungen ergeben %(booked)s.",
                    total=label(TOTAL_LABELS[total]),
                    stored=format_money(stored),
                    booked=format_money(booked),
                )
            )
    by_notices = committed_by_notices(round_)
    if by_notices != ledger["committed"]:
        problems.append(
            _(
                "Die erlassenen Bescheide ergeben %(notices)s, die Bindungen im Haushalt %(ledger)s.",
                notices=format_money(by_notices),
                ledger=format_money(ledger["committed"]),
            )
        )
    drafted = reserved_by_notices(round_)
    if drafted != ledger["reserved"]:
        problems.append(
            _(
                "Die noch nicht erlassenen Bescheide ergeben %(notices)s, "
                "die Vormerkungen im Haushalt %(ledger)s.",
                notices=format_money(drafted),
                ledger=format_money(ledger["reserved"]),
            )
        )
    due = reclaims_due(round_)
    if due != ledger["reclaim_due"]:
        problems.append(
            _(
                "Die festgesetzten Rückforderungen ergeben %(reclaims)s, "
                "die Buchungen „Rückforderung festgesetzt“ %(ledger)s.",
                reclaims=format_money(due),
                ledger=format_money(ledger["reclaim_due"]),
            )
        )
    return (
        problems
        + _open_orders_problems(round_, ledger["ordered"])
        + _overpaid_notices(round_)
        + _foreign_entries(round_)
    )


def reclaims_due(round_) -> Decimal:
    """Return the sum of the round's reclaims decided and not yet received or annulled."""
    from ..reclaim.models import DUE_STATES, Reclaim

    total = db.session.scalar(
        select(func.sum(Reclaim.amount))
        .join(Case, Reclaim.case_id == Case.id)
        .where(Reclaim.round_id == round_.id, Case.state.in_(DUE_STATES))
    )
    return _money(total)


def _open_orders_problems(round_, ordered: Decimal) -> list[str]:
    """Return a message if the unconfirmed payment orders do not add up to what is ordered."""
    from ..payments.models import PaymentOrder

    open_orders = _money(
        db.session.scalar(
            select(func.sum(PaymentOrder.amount)).where(
                PaymentOrder.round_id == round_.id, PaymentOrder.confirmed_at.is_(None)
            )
        )
    )
    if open_orders == ordered:
        return []
    return [
        _(
            "Die offenen Auszahlungsanordnungen ergeben %(orders)s, "
            "angewiesen sind im Haushalt %(ledger)s.",
            orders=format_money(open_orders),
            ledger=format_money(ordered),
        )
    ]
