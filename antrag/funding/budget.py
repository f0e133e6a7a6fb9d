"""The round's budget ledger: guarded running totals on the round plus one entry per booking.

An approval reserves its amount (`round.reserved`); issuing the notice turns the
reservation into a commitment (`round.committed`), discarding the draft releases it. Every
change to the round's totals is an UPDATE guarded in SQL, so concurrent transactions can
never promise or commit more than the budget (the CHECK constraint `budget_not_overspent`
is the last line of defence), and each one writes a BudgetEntry.
"""

import functools
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm.util import identity_key

from ..db_types import Money, utcnow
from ..engine.errors import GuardRefused
from ..extensions import db
from ..formats import format_money
from ..programme.models import Round
from .models import BudgetEntry, FundingNotice

# What the round can still promise or commit, as an SQL expression.
ROOM = Round.budget + Round.reclaimed - Round.committed - Round.reserved


class BudgetExhausted(Exception):
    """The round's budget cannot take the amount; nothing was booked."""


def reserved_for(notice: FundingNotice) -> Decimal:
    """Return the amount the notice holds reserved: its reservations less their releases."""
    signed = case((BudgetEntry.kind == "release", -BudgetEntry.amount), else_=BudgetEntry.amount)
    total = db.session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            BudgetEntry.notice_id == notice.id, BudgetEntry.kind.in_(("reservation", "release"))
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def reserve(notice: FundingNotice, case_id: int) -> None:
    """Reserve the notice's amount against its round; raise BudgetExhausted if it does not fit."""
    if not _move(notice, notice.amount, reserved=notice.amount):
        raise BudgetExhausted(notice.round_id)
    _book(notice, "reservation", notice.amount, case_id)


def release(notice: FundingNotice, case_id: int) -> None:
    """Give the notice's reservation back to the round (a draft that will not be issued)."""
    amount = reserved_for(notice)
    if not amount:
        return
    _move(notice, None, reserved=-amount)
    _book(notice, "release", amount, case_id)


def commit(notice: FundingNotice, case_id: int) -> None:
    """Commit the notice's amount on issue: its reservation becomes the commitment.

    A notice drafted before approvals reserved (or one its round could not reserve for when
    migration 0008 ran) is committed from what is available, refused in SQL if it does not fit.
    """
    amount = notice.amount
    if reserved_for(notice) == amount:
        _move(notice, None, reserved=-amount, committed=amount)
        _book(notice, "release", amount, case_id)
    elif not _move(notice, amount, committed=amount):
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
    _book(notice, "commitment", amount, case_id)


def order(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book a payment order of `amount`: released, not yet confirmed paid (Angewiesen)."""
    _move(notice, None, ordered=amount)
    _book(notice, "order", amount, case_id)


def confirm_payment(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book the confirmed payment of an order: `amount` moves from ordered to paid.

    The CHECK `ledger_positive` refuses a payment without an order before it.
    """
    _move(notice, None, ordered=-amount, paid=amount)
    _book(notice, "payment", amount, case_id)


def reclaim_due(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book a decided reclaim as due (ledger kind reclaim_due): not yet money the round has."""
    _move(notice, None, reclaim_due=amount)
    _book(notice, "reclaim_due", amount, case_id)


def reclaim_received(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book the money of a reclaim received: no longer due, and available to the round again.

    Interest is not booked here: it is revenue of the state, not of the round's budget.
    """
    _move(notice, None, reclaim_due=-amount, reclaimed=amount)
    _book(notice, "reclaim_received", amount, case_id)


def reclaim_cancelled(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Take a due reclaim off the books (the court annulled the reclaim notice)."""
    _move(notice, None, reclaim_due=-amount)
    _book(notice, "reclaim_cancelled", amount, case_id)


def reduce(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Lower the notice's commitment by `amount` (an amendment's partial revocation, § 49 VwVfG).

    The amount flows back into what the round can commit; the caller holds the notice's lock.
    """
    _move(notice, None, committed=-amount)
    _book(notice, "reduction", amount, case_id)


def pay(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book an order and its payment at once (call-offs on workflow call_off v1 pay on release)."""
    order(notice, amount, case_id)
    confirm_payment(notice, amount, case_id)


def paid_on(notice: FundingNotice) -> Decimal:
    """Return what the ledger booked as paid on the notice (its payment entries)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(BudgetEntry.amount), 0)).where(
            BudgetEntry.notice_id == notice.id, BudgetEntry.kind == "payment"
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def decommit(notice: FundingNotice, case_id: int) -> None:
    """Give back the part of a closed notice's commitment that will never be paid.

    Ledger kind `decommitment` ("Freigabe nicht ausgezahlter Mittel"): commitment − paid,
    never negative; it lowers `committed` and raises `decommitted`. Once per notice: an
    existing decommitment makes this a no-op, and a partial unique index refuses a second
    one that a concurrent transaction might book.
    """
    booked = db.session.scalar(
        select(BudgetEntry.id).where(
            BudgetEntry.notice_id == notice.id, BudgetEntry.kind == "decommitment"
        )
    )
    amount = notice.amount - paid_on(notice)
    if booked is not None or amount <= 0:
        return
    _move(notice, None, committed=-amount, decommitted=amount)
    _book(notice, "decommitment", amount, case_id)


def annul(notice: FundingNotice, case_id: int) -> None:
    """Give the commitment of an annulled notice back to the round (ledger kind annulment).

    What was paid on it stays booked as paid; getting it back is a reclaim of its own.
    """
    _move(notice, None, committed=-notice.amount)
    _book(notice, "annulment", notice.amount, case_id)


def _move(notice: FundingNotice, fits: Decimal | None, **deltas: Decimal) -> bool:
    """Add the signed `deltas` to the round's running totals in one UPDATE; return whether.

    With `fits`, the UPDATE changes nothing unless that amount still fits into what the
    round can promise or commit (ROOM), checked in the same statement.
    """
    statement = _move_statement(tuple(deltas), fits is not None)
    params = {f"delta_{name}": value for name, value in deltas.items()}
    params |= {"of_round": notice.round_id, "fits": fits}
    return db.session.connection().execute(statement, params).rowcount == 1


@functools.cache
def _move_statement(names: tuple[str, ...], guarded: bool):
    """Return the UPDATE of the round's totals `names`, built once per set of totals."""
    table = Round.__table__
    statement = update(table).where(table.c.id == bindparam("of_round"))
    if guarded:
        statement = statement.where(bindparam("fits", type_=Money()) <= ROOM)
    # ROUND to the cent: SQLite computes NUMERIC columns in binary floating point, so that
    # 5000.00 - 4967.13 - 32.87 is a hair below zero there and a CHECK (>= 0) would refuse it.
    return statement.values(
        {
            name: func.round(table.c[name] + bindparam(f"delta_{name}", type_=Money()), 2)
            for name in names
        }
    )


# Ledger entries are written with one pre-built INSERT, not the session's unit of work:
# nothing reads them back in the transaction that books them.
_ENTRY = BudgetEntry.__table__.insert()
# The round's totals that a booking changes in the database, behind the session's back.
_TOTALS = ["committed", "reserved", "ordered", "paid", "reclaimed", "reclaim_due", "decommitted"]


def _book(notice: FundingNotice, kind: str, amount: Decimal, case_id: int) -> None:
    """Write the ledger entry and make the round, if loaded, re-read its totals."""
    db.session.connection().execute(
        _ENTRY,
        {
            "round_id": notice.round_id,
            "notice_id": notice.id,
            "kind": kind,
            "amount": amount,
            "case_id": case_id,
            "created_at": utcnow(),
        },
    )
    round_ = db.session.identity_map.get(identity_key(Round, notice.round_id))
    if round_ is not None:
        db.session.expire(round_, _TOTALS)
