"""Approval reserves the amount in SQL; issuing turns it into the commitment; discarding frees it."""

import re
from decimal import Decimal

import pytest
from engine_support import fire
from funding_support import act, issued_notice, notice_of
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from antrag.engine import GuardRefused
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry, FundingNotice
from antrag.mail.models import OutboxMessage

AMOUNT = Decimal("60750.00")
BUDGET = Decimal("243000.00")
ROW_RE = re.compile(r'<th scope="row">([^<]+)</th>\s*<td class="numeric">([\d.,]+)')


def ledger_of(round_) -> list[tuple[str, Decimal]]:
    """Return the round's ledger entries as (kind, amount), in booking order."""
    return db.session.execute(
        select(BudgetEntry.kind, BudgetEntry.amount)
        .where(BudgetEntry.round_id == round_.id)
        .order_by(BudgetEntry.id)
    ).all()


def totals(round_) -> tuple[Decimal, Decimal, Decimal]:
    db.session.expire(round_)
    return round_.committed, round_.reserved, round_.available


def test_approval_reserves_the_amount(make_application, world):
    make_application("approved")

    assert totals(world.round) == (0, AMOUNT, BUDGET - AMOUNT)
    assert ledger_of(world.round) == [("reservation", AMOUNT)]
    assert ledger.reconcile(world.round) == []


def test_issue_turns_the_reservation_into_the_commitment(make_application, world):
    issued_notice(make_application, world)

    assert totals(world.round) == (AMOUNT, 0, BUDGET - AMOUNT)
    assert ledger_of(world.round) == [
        ("reservation", AMOUNT),
        ("release", AMOUNT),
        ("commitment", AMOUNT),
    ]
    assert ledger.reconcile(world.round) == []


def test_approval_refused_in_sql_when_the_guard_read_too_early(make_application, world):
    world.round.budget = AMOUNT  # room for one
    db.session.commit()
    late = make_application("proposed_approval", world.andernach)
    make_application("approved")
    # As when a concurrent approval reserved after this one's guard had read the round.
    set_committed_value(world.round, "reserved", Decimal("0.00"))

    with pytest.raises(GuardRefused) as refused:
        fire(late, "approve", world.users.reviewer2)

    assert refused.value.guard == "budget_left"
    assert refused.value.message == (
        "Das Budget der Runde reicht für diesen Antrag nicht mehr aus (noch verfügbar: 0,00\xa0€)."
    )
    db.session.rollback()
    assert late.case.state == "proposed_approval"
    assert db.session.scalar(select(db.func.count()).select_from(FundingNotice)) == 1
    assert totals(world.round) == (0, AMOUNT, 0)
    assert ledger.reconcile(world.round) == []


def test_discarding_a_drafted_notice_releases_the_reservation(make_application, world):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()

    act(notice, "discard", world.users.reviewer, comment="Die Stadt verzichtet auf die Förderung.")

    assert notice.case.state == "discarded"
    assert totals(world.round) == (0, 0, BUDGET)
    mails = db.session.scalars(
        select(OutboxMessage.recipient).filter_by(template="notice_discarded")
    )
    assert list(mails) == [world.users.speyer.email]
    assert ledger_of(world.round) == [("reservation", AMOUNT), ("release", AMOUNT)]
    assert ledger.reconcile(world.round) == []


def test_the_page_of_a_discarded_notice_says_it_was_not_issued(make_application, make_web, world):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice, "discard", world.users.reviewer, comment="Die Stadt verzichtet.")

    page = make_web(world.users.reviewer).get(f"/bescheide/{notice.id}").get_data(as_text=True)

    assert "Verworfen" in page and "Die Stadt verzichtet." in page
    # The city never received the draft: it does not see it.
    assert make_web(world.users.speyer).get(f"/bescheide/{notice.id}").status_code == 404
    assert "Der Bescheid wurde nicht erlassen" in page


def test_only_a_signer_may_discard_a_notice_and_only_with_a_reason(make_application, world):
    notice = notice_of(make_application("approved"))

    with pytest.raises(GuardRefused) as refused:
        act(notice, "discard", world.users.reviewer, comment="Verzicht.")

    assert refused.value.guard == "may_discard_notice"
    db.session.rollback()
    assert totals(world.round) == (0, AMOUNT, BUDGET - AMOUNT)


def test_a_drafted_notice_without_reservation_does_not_reconcile(make_application, world):
    notice = notice_of(make_application("approved"))
    db.session.execute(db.delete(BudgetEntry).where(BudgetEntry.notice_id == notice.id))
    db.session.commit()

    assert ledger.reconcile(world.round) == [
        "Vorgemerkt: Die Runde führt 60.750,00\xa0€, die Buchungen ergeben 0,00\xa0€.",
        "Die noch nicht erlassenen Bescheide ergeben 60.750,00\xa0€, "
        "die Vormerkungen im Haushalt 0,00\xa0€.",
    ]


def test_budget_pages_show_reserved_and_committed(make_application, make_web, world):
    issued_notice(make_application, world)
    make_application("approved", world.andernach)
    web = make_web(world.users.reviewer)

    overview = web.get("/haushalt/").get_data(as_text=True)
    entries = web.get(f"/haushalt/runden/{world.round.id}").get_data(as_text=True)

    rows = {
        label: amount
        for label, amount in ROW_RE.findall(overview)
        if label in ("Gebunden", "Vorgemerkt", "Verfügbar")
    }
    assert rows == {"Gebunden": "60.750,00", "Vorgemerkt": "60.750,00", "Verfügbar": "121.500,00"}
    assert "Die Buchungen stimmen auf den Cent" in overview
    for kind in ("Vormerkung", "Auflösung der Vormerkung", "Bindung"):
        assert f"<td>{kind}</td>" in entries
