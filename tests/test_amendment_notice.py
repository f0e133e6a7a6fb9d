"""The amendment notice: extend the period, reduce the amount, add a condition (four eyes)."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from funding_support import act, final_notice, issued_notice, paid_call_off, proof_of
from pypdf import PdfReader
from sqlalchemy import select

from antrag.amendments.applying import conditions_of
from antrag.amendments.operations import draft_amendment
from antrag.clock import frozen_at
from antrag.engine import timer
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused, InvalidInput, NotAllowed
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.files import upload_folder
from antrag.funding.ledger import reconcile
from antrag.funding.models import BudgetEntry
from antrag.funding.operations import request_call_off
from antrag.mail.models import OutboxMessage

REASONS = "Die Kommune hat die Verlängerung am 1. Oktober beantragt; die Lieferung verzögert sich."


@pytest.fixture(autouse=True)
def morning():
    """Freeze the clock on a working day at 09:00 UTC."""
    with frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)) as moment:
        yield moment


def draft(notice, world, **changes):
    """Draft an amendment of `notice` by the first reviewer and commit."""
    values = {"new_amount": None, "new_period_end": None, "condition": None, "reasons": REASONS}
    amendment = draft_amendment(world.users.reviewer, notice, **(values | changes))
    db.session.commit()
    return amendment


def issue(amendment, world):
    """Propose (reviewer), co-sign (reviewer2) and issue by post (reviewer with signing authority)."""
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(amendment, "issue", world.users.reviewer)


def take_effect(amendment):
    """Run the timer on the day the amendment is made known."""
    day = datetime.combine(amendment.made_known_on, datetime.min.time(), tzinfo=BERLIN)
    with frozen_at(day + timedelta(hours=8)):
        report = timer.tick()
    db.session.expire_all()
    return report


def pdf_text(amendment) -> str:
    pdf = (upload_folder() / amendment.pdf_stored_name).read_bytes()
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def history(notice) -> list[HistoryEntry]:
    return list(
        db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.case_id == notice.case_id)
            .order_by(HistoryEntry.seq)
        )
    )


def test_an_extension_takes_effect_when_made_known_and_moves_the_proof_due_date(
    make_application, world
):
    notice = final_notice(make_application, world)
    old_end = notice.period_end
    new_end = old_end + timedelta(days=365)
    amendment = draft(notice, world, new_period_end=new_end)
    issue(amendment, world)
    assert amendment.case.state == "served" and amendment.service_mode == "post"
    assert notice.period_end == old_end  # not yet made known: nothing changed (§ 43 VwVfG)
    report = take_effect(amendment)
    assert (amendment.case_id, "take_effect") in report.fired
    assert amendment.case.state == "issued" and amendment.applied_at is not None
    assert notice.period_end == new_end and amendment.previous_period_end == old_end
    proof_due = proof_of(notice).case.due_at.astimezone(BERLIN).date()
    assert proof_due == date(
        new_end.year + (new_end.month + 5) // 12, (new_end.month + 5) % 12 + 1, new_end.day
    )
    last = history(notice)[-1]
    assert last.trigger == "amend_final" and last.actor_role == "system"
    assert last.comment.startswith("Geändert durch Änderungsbescheid vom")
    assert amendment.file_reference in last.comment
    assert new_end.isoformat() in str(last.inputs)
    assert reconcile(notice.round) == []


def test_the_proposer_cannot_co_sign_and_only_a_signer_issues(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, condition="Sachbericht zum 30.06. vorlegen.")
    act(amendment, "propose", world.users.reviewer)
    with pytest.raises(GuardRefused, match="Vier-Augen"):
        act(amendment, "co_sign", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    world.users.reviewer.can_sign = False
    db.session.commit()
    with pytest.raises(GuardRefused, match="Zeichnungsbefugnis"):
        act(amendment, "issue", world.users.reviewer)


def test_a_reduction_below_what_was_paid_is_refused(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "20000.00", world)
    amendment = draft(notice, world, new_amount=Decimal("10000.00"))
    with pytest.raises(GuardRefused, match="bereits abgerufen"):
        act(amendment, "propose", world.users.reviewer)
    assert amendment.case.state == "drafted"


def test_a_call_off_above_a_co_signed_reduction_is_refused(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, new_amount=Decimal("30000.00"))
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    with pytest.raises(InvalidInput, match="prüfen"):
        request_call_off(world.users.speyer, notice, Decimal("40000.00"), None)
    db.session.rollback()
    act(amendment, "discard", world.users.reviewer, comment="Die Kommune braucht alles.")
    request_call_off(world.users.speyer, notice, Decimal("40000.00"), None)
    db.session.commit()


def test_the_issue_checks_the_reduction_again_under_the_notices_lock(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, new_amount=Decimal("30000.00"))
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    world.users.reviewer.can_sign = True
    db.session.commit()
    # A call-off that slipped in concurrently (the guards ran before it committed).
    from antrag import engine
    from antrag.funding.models import CallOff

    engine.start(
        "call_off",
        CallOff(notice=notice, amount=Decimal("40000.00"), requested_by_id=world.users.speyer.id),
        world.users.speyer,
    )
    db.session.commit()
    from antrag.amendments.applying import lock_and_check

    with pytest.raises(GuardRefused, match="bereits abgerufen"):
        lock_and_check(amendment)
    db.session.rollback()


def test_a_reduction_lowers_the_commitment_and_the_ledger_reconciles(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "20000.00", world)
    committed = notice.round.committed
    amendment = draft(notice, world, new_amount=Decimal("30000.00"))
    issue(amendment, world)
    assert reconcile(notice.round) == []
    take_effect(amendment)
    assert notice.amount == Decimal("30000.00")
    assert amendment.previous_amount == Decimal("60750.00")
    entry = db.session.scalars(select(BudgetEntry).filter_by(kind="reduction")).one()
    assert entry.amount == Decimal("30750.00") and entry.notice_id == notice.id
    assert notice.round.committed == committed - Decimal("30750.00")
    assert reconcile(notice.round) == []
    text = pdf_text(amendment)
    assert "30.750,00 EUR" in text and "30.000,00 EUR" in text


def test_a_reduction_may_not_raise_the_amount(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, new_amount=Decimal("70000.00"))
    with pytest.raises(GuardRefused, match="Erhöhung"):
        act(amendment, "propose", world.users.reviewer)


def test_a_condition_is_added_and_the_letter_reads_as_an_amendment(make_application, world):
    notice = final_notice(make_application, world)
    condition = "Die Kommune berichtet dem Ministerium halbjährlich über den Projektstand."
    amendment = draft(notice, world, condition=condition)
    issue(amendment, world)
    text = pdf_text(amendment)
    issued_on = notice.issued_at.astimezone(BERLIN).strftime("%d.%m.%Y")
    assert "Änderungsbescheid" in text and amendment.file_reference in text
    assert f"Zuwendungsbescheid vom {issued_on}" in text and notice.file_reference in text
    assert "1. Dem Bescheid vom" in text and "halbjährlich" in text
    assert f"Im Übrigen bleibt der Bescheid vom {issued_on} unberührt" in text
    assert "§ 43 Abs. 1 VwVfG" in text and REASONS[:30] in text
    assert "Verwaltungsgericht Neustadt" in text and "Verzicht" in text
    assert "Im Auftrag" in text
    take_effect(amendment)
    assert [c.text for c in conditions_of(notice)] == [condition]
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "amendment_effective")
    ).all()
    assert mails and "ist wirksam" in mails[0].subject


def test_an_issued_notice_keeps_its_action_period_when_amended(make_application, world):
    notice = issued_notice(make_application, world)
    due = notice.case.due_at
    amendment = draft(notice, world, new_period_end=notice.period_end + timedelta(days=90))
    issue(amendment, world)
    take_effect(amendment)
    assert notice.case.state == "issued" and notice.case.due_at == due
    assert history(notice)[-1].trigger == "amend"
    assert amendment.case.due_at.astimezone(BERLIN).date() == amendment.action_period_ends_on


def test_a_notice_not_in_force_cannot_be_amended(make_application, world):
    from funding_support import notice_of

    notice = notice_of(make_application("approved"))  # drafted, not issued
    amendment = draft(notice, world, condition="Eine Auflage.")
    with pytest.raises(GuardRefused, match="nicht in Kraft"):
        act(amendment, "propose", world.users.reviewer)


def test_an_amendment_needs_a_change_and_reasons_and_a_reviewer(make_application, world):
    notice = final_notice(make_application, world)
    with pytest.raises(InvalidInput) as refused:
        draft(notice, world, reasons=" ")
    assert set(refused.value.errors) == {"changes", "reasons"}
    with pytest.raises(NotAllowed):
        draft_amendment(
            world.users.speyer,
            notice,
            new_amount=None,
            new_period_end=None,
            condition="x",
            reasons="y",
        )


def test_the_city_sees_the_amendment_only_once_issued(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, condition="Eine Auflage.")
    assert not amendment.can_view(world.users.speyer)
    assert amendment.can_view(world.users.reviewer)
    issue(amendment, world)
    assert amendment.can_view(world.users.speyer)
    assert not amendment.can_view(world.users.pirmasens)
    assert amendment.decisive_data()["additional_condition"] == "Eine Auflage."


def test_a_signed_reduction_caps_call_offs_before_it_takes_effect(make_application, world):
    notice = final_notice(make_application, world)
    amendment = draft(notice, world, new_amount=Decimal("30000.00"))
    issue(amendment, world)
    assert amendment.case.state == "served" and notice.amount == Decimal("60750.00")
    with pytest.raises(InvalidInput) as refused:
        request_call_off(world.users.speyer, notice, Decimal("40000.00"), None)
    assert "30.000,00" in refused.value.errors["amount"]
    db.session.rollback()
    request_call_off(world.users.speyer, notice, Decimal("30000.00"), None)
    db.session.commit()
    take_effect(amendment)
    assert amendment.case.state == "issued" and notice.amount == Decimal("30000.00")
    assert reconcile(notice.round) == []


def test_applying_a_reduction_waits_for_the_call_off_holding_the_notice(
    make_application, world, database_uri
):
    """A call-off request's lock on the notice holds the reduction back: PostgreSQL's row lock,
    SQLite's write lock (the request's UPDATE makes its transaction the one writer)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from antrag.amendments.applying import lock_and_check

    notice = final_notice(make_application, world)
    amendment = draft(notice, world, new_amount=Decimal("30000.00"))
    db.session.commit()
    postgres = database_uri.startswith("postgresql")
    other = create_engine(database_uri)
    try:
        with other.connect() as connection:
            # what request_call_off does first: the no-op UPDATE that locks the notice row
            connection.execute(
                text("UPDATE funding_notice SET id = id WHERE id = :id"), {"id": notice.id}
            )
            if postgres:
                db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
            else:
                db.session.execute(text("PRAGMA busy_timeout = 300"))
            with pytest.raises(OperationalError, match="lock timeout|database is locked"):
                lock_and_check(amendment)
                db.session.flush()
            db.session.rollback()
            connection.rollback()
    finally:
        other.dispose()
