"""The round's budget ledger: guarded running totals on the round plus one entry per booking.

Every change to `round.committed`, `paid` and `reclaimed` is an UPDATE guarded in SQL, so
concurrent transactions can never overspend the budget (the CHECK constraint
`budget_not_overspent` is the last line of defence), and each one writes a BudgetEntry.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..engine.errors import GuardRefused
from ..engine.models import Case
from ..extensions import db
from ..formats import format_money
from ..programme.models import Round
from .models import BudgetEntry, FundingNotice


def pending_total(round_id: int) -> Decimal:
    """Return the amounts of the round's notices approved but not yet issued (drafted)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(FundingNotice.amount), 0))
        .join(Case, Case.id == FundingNotice.case_id)
        .where(FundingNotice.round_id == round_id, Case.state == "drafted")
    )
    return Decimal(total)


def uncommitted(round_: Round) -> Decimal:
    """Return what the round can still promise: available minus the notices still drafted."""
    return round_.available - pending_total(round_.id)


def commit(notice: FundingNotice, case_id: int) -> BudgetEntry:
    """Commit the notice's amount against its round, refusing in SQL if it would overspend."""
    amount = notice.amount
    result = db.session.execute(
        update(Round)
        .where(
            Round.id == notice.round_id,
            Round.budget - Round.committed + Round.reclaimed >= amount,
        )
        .values(committed=Round.committed + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(notice.round)
        raise GuardRefused(
            _(
                "Das Budget der Runde reicht für diesen Bescheid nicht aus: benötigt werden "
                "%(needed)s, verfügbar sind noch %(available)s. Es wurde nichts gebucht.",
                needed=format_money(amount),
                available=format_money(notice.round.available),
            ),
            guard="budget_available",
        )
    return _book(notice, "commitment", amount, case_id)


def pay(notice: FundingNotice, amount: Decimal, case_id: int) -> BudgetEntry:
    """Book a payment of `amount` on the notice's round."""
    db.session.execute(
        update(Round)
        .where(Round.id == notice.round_id)
        .values(paid=Round.paid + amount)
        .execution_options(synchronize_session=False)
    )
    return _book(notice, "payment", amount, case_id)


def reclaim(notice: FundingNotice, amount: Decimal, case_id: int) -> BudgetEntry:
    """Book a reclaim of `amount`: it flows back into what the round can commit."""
    db.session.execute(
        update(Round)
        .where(Round.id == notice.round_id)
        .values(reclaimed=Round.reclaimed + amount)
        .execution_options(synchronize_session=False)
    )
    return _book(notice, "reclaim", amount, case_id)


def _book(notice: FundingNotice, kind: str, amount: Decimal, case_id: int) -> BudgetEntry:
    """Write the ledger entry and make the round re-read its totals."""
    entry = BudgetEntry(
        round_id=notice.round_id, notice_id=notice.id, kind=kind, amount=amount, case_id=case_id
    )
    db.session.add(entry)
    db.session.flush()
    db.session.expire(notice.round, ["committed", "paid", "reclaimed"])
    return entry
