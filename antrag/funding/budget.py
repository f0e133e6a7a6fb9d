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
from ..engine.reads import columns
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
    total = columns(_reserved_statement(), {"of_notice": notice.id}).scalar()
    return Decimal(total).quantize(Decimal("0.01"))


@functools.cache
def _reserved_statement():
    """Return the sum of a notice's reservations less their releases, built once."""
    signed = case((BudgetEntry.kind == "release", -BudgetEntry.amount), else_=BudgetEntry.amount)
    return select(func.coalesce(func.sum(signed), 0)).where(
        BudgetEntry.notice_id == bindparam("of_notice"),
        BudgetEntry.kind.in_(("reservation", "release")),
    )


def reserve(notice: FundingNotice, case_id: int) -> None:
    """Reserve the notice's amount against its round; raise BudgetExhausted if it does not fit."""
    amount = notice.amount
    if not _book(notice, "reservation", amount, case_id, fits=amount, reserved=amount):
        raise BudgetExhausted(notice.round_id)


def release(notice: FundingNotice, case_id: int) -> None:
    """Give the notice's reservation back to the round (a draft that will not be issued)."""
    amount = reserved_for(notice)
    if not amount:
        return
    _book(notice, "release", amount, case_id, reserved=-amount)


def commit(notice: FundingNotice, case_id: int) -> None:
    """Commit the notice's amount on issue: its reservation becomes the commitment.

    A notice drafted before approvals reserved (or one its round could not reserve for when
    migration 0008 ran) is committed from what is available, refused in SQL if it does not fit.
    """
    amount = notice.amount
    if reserved_for(notice) == amount:
        _book(notice, "release", amount, case_id, reserved=-amount, committed=amount)
        _book(notice, "commitment", amount, case_id)
    elif not _book(notice, "commitment", amount, case_id, fits=amount, committed=amount):
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


def order(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book a payment order of `amount`: released, not yet confirmed paid (Angewiesen)."""
    _book(notice, "order", amount, case_id, ordered=amount)


def confirm_payment(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book the confirmed payment of an order: `amount` moves from ordered to paid.

    The CHECK `ledger_positive` refuses a payment without an order before it.
    """
    _book(notice, "payment", amount, case_id, ordered=-amount, paid=amount)


def reclaim_due(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book a decided reclaim as due (ledger kind reclaim_due): not yet money the round has."""
    _book(notice, "reclaim_due", amount, case_id, reclaim_due=amount)


def reclaim_received(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book the money of a reclaim received: no longer due, and available to the round again.

    Interest is not booked here: it is revenue of the state, not of the round's budget.
    """
    _book(notice, "reclaim_received", amount, case_id, reclaim_due=-amount, reclaimed=amount)


def reclaim_cancelled(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Take a due reclaim off the books (the court annulled the reclaim notice)."""
    _book(notice, "reclaim_cancelled", amount, case_id, reclaim_due=-amount)


def reduce(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Lower the notice's commitment by `amount` (an amendment's partial revocation, § 49 VwVfG).

    The amount flows back into what the round can commit; the caller holds the notice's lock.
    """
    _book(notice, "reduction", amount, case_id, committed=-amount)


def pay(notice: FundingNotice, amount: Decimal, case_id: int) -> None:
    """Book an order and its payment at once (call-offs on workflow call_off v1 pay on release)."""
    order(notice, amount, case_id)
    confirm_payment(notice, amount, case_id)


def paid_on(notice: FundingNotice) -> Decimal:
    """Return what the ledger booked as paid on the notice (its payment entries)."""
    total = columns(_paid_statement(), {"of_notice": notice.id}).scalar()
    return Decimal(total).quantize(Decimal("0.01"))


@functools.cache
def _paid_statement():
    """Return the sum of a notice's payment entries, built once."""
    return select(func.coalesce(func.sum(BudgetEntry.amount), 0)).where(
        BudgetEntry.notice_id == bindparam("of_notice"), BudgetEntry.kind == "payment"
    )


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
    _book(notice, "decommitment", amount, case_id, committed=-amount, decommitted=amount)


def annul(notice: FundingNotice, case_id: int) -> None:
    """Give the commitment of an annulled notice back to the round (ledger kind annulment).

    What was paid on it stays booked as paid; getting it back is a reclaim of its own.
    """
    _book(notice, "annulment", notice.amount, case_id, committed=-notice.amount)


# Ledger entries are written with statements built once, not the session's unit of work:
# nothing reads them back in the transaction that books them.
_ENTRY = BudgetEntry.__table__.insert()
_ENTRY_COLUMNS = ["round_id", "notice_id", "kind", "amount", "case_id", "created_at"]
# The round's totals that a booking changes in the database, behind the session's back.
_TOTALS = ["committed", "reserved", "ordered", "paid", "reclaimed", "reclaim_due", "decommitted"]


def _book(
    notice: FundingNotice,
    kind: str,
    amount: Decimal,
    case_id: int,
    fits: Decimal | None = None,
    **deltas: Decimal,
) -> bool:
    """Write a ledger entry and add the signed `deltas` to the round's totals; return whether.

    With `fits`, nothing is booked unless that amount still fits into what the round can
    promise or commit (ROOM), checked in the guarded UPDATE of the totals. PostgreSQL moves
    the totals and writes the entry in one statement (the UPDATE in a WITH); SQLite, which
    has no UPDATE inside WITH, in two.
    """
    params = {
        "of_round": notice.round_id,
        "fits": fits,
        "entry_notice": notice.id,
        "entry_kind": kind,
        "entry_amount": amount,
        "entry_case": case_id,
        "entry_at": utcnow(),
    }
    params |= {f"delta_{name}": value for name, value in deltas.items()}
    connection = db.session.connection()
    if not deltas:
        connection.execute(_entry_statement(), params)
    elif not _moved_and_booked(connection, tuple(deltas), fits is not None, params):
        return False
    round_ = db.session.identity_map.get(identity_key(Round, notice.round_id))
    if round_ is not None:
        db.session.expire(round_, _TOTALS)
    return True


def _moved_and_booked(connection, names: tuple[str, ...], guarded: bool, params: dict) -> bool:
    """Move the round's totals `names` and write the entry if they moved; return whether."""
    if connection.dialect.name == "postgresql":
        statement = _move_and_book_statement(names, guarded)
        return connection.execute(statement, params).first() is not None
    if connection.execute(_move_statement(names, guarded), params).rowcount != 1:
        return False
    connection.execute(_entry_statement(), params)
    return True


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


def _entry_values(round_id) -> list:
    """Return the values of a ledger entry in the order of _ENTRY_COLUMNS, as parameters."""
    table = BudgetEntry.__table__
    return [
        round_id,
        bindparam("entry_notice", type_=table.c.notice_id.type),
        bindparam("entry_kind", type_=table.c.kind.type),
        bindparam("entry_amount", type_=table.c.amount.type),
        bindparam("entry_case", type_=table.c.case_id.type),
        bindparam("entry_at", type_=table.c.created_at.type),
    ]


@functools.cache
def _entry_statement():
    """Return the INSERT of a ledger entry, built once."""
    values = _entry_values(bindparam("of_round", type_=BudgetEntry.__table__.c.round_id.type))
    return _ENTRY.values(dict(zip(_ENTRY_COLUMNS, values, strict=True)))


@functools.cache
def _move_and_book_statement(names: tuple[str, ...], guarded: bool):
    """Return `WITH moved AS (UPDATE round … RETURNING id) INSERT INTO budget_entry …`.

    The entry is written only if the guarded UPDATE moved the round (PostgreSQL).
    """
    moved = _move_statement(names, guarded).returning(Round.__table__.c.id).cte("moved")
    rows = select(*_entry_values(moved.c.id)).select_from(moved)
    # RETURNING says whether it wrote the entry (the driver's rowcount of a WITH is -1).
    return (
        _ENTRY.from_select(_ENTRY_COLUMNS, rows)
        .add_cte(moved)
        .returning(BudgetEntry.__table__.c.id)
    )
