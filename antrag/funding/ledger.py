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
    "committed": {"commitment": 1, "annulment": -1, "reduction": -1, "decommitment": -1},
    "reserved": {"reservation": 1, "release": -1},
    "ordered": {"order": 1, "payment": -1},
    "paid": {"payment": 1},
    # The legacy kind `reclaim` was booked at the proof's acceptance and counted as received.
    "reclaimed": {"reclaim": 1, "reclaim_received": 1},
    "reclaim_due": {"reclaim_due": 1, "reclaim_received": -1, "reclaim_cancelled": -1},
    "decommitted": {"decommitment": 1},
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
    "decommitment": N_("Freigabe nicht ausgezahlter Mittel"),
}
TOTAL_LABELS = {
    "committed": N_("Gebunden"),
    "reserved": N_("Vorgemerkt"),
    "ordered": N_("Angewiesen"),
    "paid": N_("Ausgezahlt"),
    "reclaimed": N_("Rückforderung eingegangen"),
    "reclaim_due": N_("Rückforderung festgesetzt"),
    "decommitted": N_("Freigegeben (nicht ausgezahlt)"),
}
# The figures of a round the budget page shows, in order: each one a column (or property)
# of Round. A running total added to TOTALS appears on the page by one entry here.
FIGURES = {
    "budget": N_("Gesamtbudget"),
    "committed": TOTAL_LABELS["committed"],
    "reserved": TOTAL_LABELS["reserved"],
    "ordered": TOTAL_LABELS["ordered"],
    "paid": TOTAL_LABELS["paid"],
    "reclaim_due": TOTAL_LABELS["reclaim_due"],
    "reclaimed": TOTAL_LABELS["reclaimed"],
    "decommitted": TOTAL_LABELS["decommitted"],
    "available": N_("Verfügbar"),
}
# Notice states in which the notice's amount is committed against the round's budget.
COMMITTED_STATES = ("provided", "not_retrieved", "issued", "contested", "final", "closed")
# The state in which a notice keeps committed only what was paid on it (the rest decommitted).
CLOSED_STATE = "closed"
# The state in which a notice's amount is reserved: approved, not yet issued.
RESERVED_STATE = "drafted"


def _money(value) -> Decimal:
    """Return a sum from the database as an exact amount (SQLite sums in floating point)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


def figures(round_) -> dict[str, Decimal]:
    """Return the round's figures named in FIGURES (budget, running totals, available)."""
    return {key: getattr(round_, key) for key in FIGURES}


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


def _paid_by_notice(round_) -> dict[int, Decimal]:
    """Return notice id → what the round's ledger booked as paid on it."""
    rows = db.session.execute(
        select(BudgetEntry.notice_id, func.sum(BudgetEntry.amount))
        .where(BudgetEntry.round_id == round_.id, BudgetEntry.kind == "payment")
        .group_by(BudgetEntry.notice_id)
    )
    return {notice_id: _money(total) for notice_id, total in rows}


def _closed_notices(round_) -> list[FundingNotice]:
    return list(
        db.session.scalars(
            select(FundingNotice)
            .join(Case, FundingNotice.case_id == Case.id)
            .where(FundingNotice.round_id == round_.id, Case.state == CLOSED_STATE)
            .order_by(FundingNotice.file_reference)
        )
    )


def committed_by_notices(round_) -> Decimal:
    """Return what the round's notices hold committed.

    Issued and final notices hold their amount; a closed notice holds only what was paid on
    it (at most its amount): closing gave the rest back (ledger kind decommitment).
    """
    open_states = tuple(s for s in COMMITTED_STATES if s != CLOSED_STATE)
    paid = _paid_by_notice(round_)
    closed = sum((min(n.amount, paid.get(n.id, ZERO)) for n in _closed_notices(round_)), ZERO)
    return _notices_in(round_, open_states) + closed


def _decommitment_problems(round_) -> list[str]:
    """Return a message per notice whose decommitment is not its unpaid commitment."""
    rows = db.session.execute(
        select(BudgetEntry.notice_id, func.sum(BudgetEntry.amount))
        .where(BudgetEntry.round_id == round_.id, BudgetEntry.kind == "decommitment")
        .group_by(BudgetEntry.notice_id)
    )
    booked = {notice_id: _money(total) for notice_id, total in rows}
    paid = _paid_by_notice(round_)
    problems = []
    closed = _closed_notices(round_)
    for notice in closed:
        due = max(notice.amount - paid.get(notice.id, ZERO), ZERO)
        if booked.pop(notice.id, ZERO) != due:
            problems.append(
                _(
                    "Zum abgeschlossenen Bescheid %(reference)s müssten %(due)s nicht "
                    "ausgezahlter Mittel freigegeben sein.",
                    reference=notice.file_reference,
                    due=format_money(due),
                )
            )
    for notice_id in sorted(booked):
        notice = db.session.get(FundingNotice, notice_id)
        problems.append(
            _(
                "Zum Bescheid %(reference)s wurden Mittel freigegeben, er ist aber nicht "
                "abgeschlossen.",
                reference=notice.file_reference,
            )
        )
    return problems


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
        + _decommitment_problems(round_)
    )


def reclaims_due(round_) -> Decimal:
    """Return what the round's decided reclaims still claim (not received, not annulled)."""
    from ..reclaim.models import DUE_STATES, Reclaim

    total = db.session.scalar(
        select(func.sum(Reclaim.amount - Reclaim.principal_received))
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
