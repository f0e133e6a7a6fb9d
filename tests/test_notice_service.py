"""Service of notices (§ 41 VwVfG): by post or for retrieval, the period from service, actions."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from funding_support import act, final_notice, issued_notice, notice_of
from sqlalchemy import select

from antrag.clock import frozen_at, now
from antrag.engine import timer
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused, WrongState
from antrag.extensions import db
from antrag.funding.ledger import reconcile
from antrag.funding.models import BudgetEntry
from antrag.funding.operations import request_call_off
from antrag.mail.models import OutboxMessage
from antrag.notices import consent


@pytest.fixture(autouse=True)
def half_past_midnight_in_berlin():
    """Freeze the clock at 00:30 Berlin time today, when the UTC date is still yesterday's.

    "Today" cannot move during a test, and a day computed in UTC instead of Berlin time
    (filing day, posting day, made known) would show as a wrong date.
    """
    today = datetime.now(BERLIN).date()
    with frozen_at(datetime.combine(today, time(0, 30), tzinfo=BERLIN)) as moment:
        yield moment


def _signer(world):
    world.users.reviewer.can_sign = True
    db.session.commit()
    return world.users.reviewer


def _due_day(notice) -> date:
    return notice.case.due_at.astimezone(BERLIN).date()


@pytest.mark.parametrize(
    ("posted", "made_known", "period_end"),
    [
        (date(2019, 5, 14), date(2019, 5, 17), date(2019, 6, 17)),  # the examples
        (date(2025, 7, 31), date(2025, 8, 4), date(2025, 9, 4)),
    ],
)
def test_posting_records_the_service_and_the_case_is_due_when_the_period_ends(
    make_application, world, posted, made_known, period_end
):
    notice = notice_of(make_application("approved"))
    signer = _signer(world)
    with frozen_at(
        datetime.combine(posted, datetime.min.time(), tzinfo=BERLIN) + timedelta(hours=9)
    ):
        act(notice, "issue", signer)
    assert (notice.service_mode, notice.posted_on) == ("post", posted)
    assert (notice.made_known_on, notice.action_period_ends_on) == (made_known, period_end)
    assert _due_day(notice) == period_end


def test_a_later_posting_day_moves_the_period(make_application, world):
    notice = notice_of(make_application("approved"))
    with frozen_at(datetime(2025, 7, 29, 9, tzinfo=UTC)):
        act(notice, "issue", _signer(world), inputs={"posted_on": "2025-07-31"})
    assert notice.made_known_on == date(2025, 8, 4) and _due_day(notice) == date(2025, 9, 4)


def test_a_posting_day_in_the_past_is_refused(make_application, world):
    notice = notice_of(make_application("approved"))
    with frozen_at(datetime(2025, 7, 29, 9, tzinfo=UTC)), pytest.raises(GuardRefused):
        act(notice, "issue", _signer(world), inputs={"posted_on": "2025-07-28"})


def test_electronic_service_needs_the_citys_consent(make_application, world):
    notice = notice_of(make_application("approved"))
    signer = _signer(world)
    with pytest.raises(GuardRefused, match="nicht eingewilligt"):
        act(notice, "issue_electronically", signer)
    db.session.rollback()
    world.users.speyer.may_represent = True
    consent.declare(world.users.speyer)
    db.session.commit()
    act(notice, "issue_electronically", signer)
    assert notice.case.state == "provided" and notice.made_known_on is None


def _provided(make_application, world, moment):
    notice = notice_of(make_application("approved"))
    signer = _signer(world)
    world.users.speyer.may_represent = True
    consent.declare(world.users.speyer)
    db.session.commit()
    with frozen_at(moment):
        act(notice, "issue_electronically", signer)
    return notice


def test_the_citys_first_download_retrieves_the_notice(make_application, world, make_web):
    notice = _provided(make_application, world, datetime(2025, 7, 28, 9, tzinfo=UTC))
    reviewer_web = make_web(world.users.reviewer)
    with frozen_at(datetime(2025, 7, 30, 9, tzinfo=UTC)):
        assert reviewer_web.get(f"/bescheide/{notice.id}/pdf").status_code == 200
        db.session.expire_all()
        assert notice.case.state == "provided"  # the ministry's own download is no retrieval
        response = make_web(world.users.speyer).get(f"/bescheide/{notice.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    db.session.expire_all()
    assert notice.case.state == "issued"
    # retrieved Wed 30 Jul 2025 → made known Thu 31 Jul → period ends Sun 31 Aug → Mon 1 Sep
    assert notice.made_known_on == date(2025, 7, 31)
    assert notice.action_period_ends_on == date(2025, 9, 1) == _due_day(notice)


def test_not_retrieved_in_ten_days_the_ministry_is_told_and_posts_it(make_application, world):
    notice = _provided(make_application, world, datetime(2025, 7, 28, 9, tzinfo=UTC))
    assert notice.retrieval_ends_on == date(2025, 8, 7)
    with frozen_at(datetime(2025, 8, 7, 20, tzinfo=UTC)):
        assert timer.tick().fired == []
    with frozen_at(datetime(2025, 8, 7, 22, 30, tzinfo=UTC)):  # after midnight in Berlin
        assert timer.tick().fired == [(notice.case_id, "not_retrieved")]
    db.session.expire_all()
    assert notice.case.state == "not_retrieved" and notice.made_known_on is None
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "notice_not_retrieved")
    ).all()
    assert {m.recipient for m in told} >= {world.users.reviewer.email}
    with frozen_at(datetime(2025, 8, 8, 9, tzinfo=UTC)):
        act(notice, "serve_by_post", world.users.reviewer)
    assert notice.case.state == "issued" and notice.service_mode == "post"
    assert notice.made_known_on == date(2025, 8, 12) and _due_day(notice) == date(2025, 9, 12)


def test_a_filed_action_stops_finality_and_payments(make_application, world):
    notice = issued_notice(make_application, world)
    today = now().astimezone(BERLIN).date().isoformat()
    filed = {"action_filed_on": today, "court_file_number": "3 K 1/26.NW"}
    act(notice, "record_action", world.users.reviewer, inputs=filed)
    assert notice.case.state == "contested" and notice.case.due_at is None
    after_period = datetime.combine(notice.action_period_ends_on, datetime.min.time(), tzinfo=UTC)
    with frozen_at(after_period + timedelta(days=2)):
        assert timer.tick().fired == []
    with pytest.raises(WrongState, match="Klage erhoben"):
        request_call_off(world.users.speyer, notice, Decimal("100.00"), None)
    db.session.rollback()
    act(notice, "action_withdrawn", world.users.reviewer, inputs={"decided_on": today})
    assert notice.case.state == "final" and notice.action_outcome == "withdrawn"


def test_a_late_action_against_a_final_notice_blocks_the_release(make_application, world):
    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, Decimal("1000.00"), None)
    db.session.commit()
    act(call_off, "check", world.users.reviewer)
    today = now().astimezone(BERLIN).date().isoformat()
    act(
        notice,
        "record_action",
        world.users.reviewer,
        inputs={"action_filed_on": today, "court_file_number": "3 K 2/26.NW"},
    )
    with pytest.raises(GuardRefused, match="Klage erhoben"):
        act(call_off, "release", world.users.reviewer2)
    db.session.rollback()
    db.session.expire_all()
    assert call_off.case.state == "checked" and call_off.paid_at is None
    assert world.round.paid == Decimal("0.00")


def test_an_annulled_notice_gives_its_commitment_back(make_application, world):
    notice = issued_notice(make_application, world)
    committed = world.round.committed
    today = now().astimezone(BERLIN).date().isoformat()
    act(
        notice,
        "record_action",
        world.users.reviewer,
        inputs={"action_filed_on": today, "court_file_number": "3 K 3/26.NW"},
    )
    act(
        notice,
        "annul",
        world.users.reviewer,
        comment="Der Bescheid wird aufgehoben.",
        inputs={"decided_on": today},
    )
    db.session.expire_all()
    assert notice.case.state == "annulled" and notice.action_outcome == "annulled"
    assert world.round.committed == committed - notice.amount
    kinds = db.session.scalars(
        select(BudgetEntry.kind).where(BudgetEntry.notice_id == notice.id)
    ).all()
    assert "annulment" in kinds
    assert reconcile(world.round) == []


def test_the_page_shows_the_service_facts(make_application, world, make_web):
    notice = issued_notice(make_application, world)
    page = make_web(world.users.speyer).get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "Bekanntgegeben am" in page and notice.made_known_on.strftime("%d.%m.%Y") in page
    assert notice.action_period_ends_on.strftime("%d.%m.%Y") in page
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "notice_issued")
    ).first()
    assert notice.action_period_ends_on.strftime("%d.%m.%Y") in mail.body


def test_the_representative_declares_and_revokes_the_consent(world, make_web):
    world.users.speyer.may_represent = True
    db.session.commit()
    web = make_web(world.users.speyer)
    assert web.post("/bescheide/einwilligung", {}).status_code == 422  # not confirmed
    assert web.post("/bescheide/einwilligung", {"confirm_consent": "y"}).status_code == 302
    declared = consent.current_consent(world.speyer.id)
    assert declared is not None and declared.declared_by_id == world.users.speyer.id
    assert web.post("/bescheide/einwilligung", {"decision": "revoke"}).status_code == 302
    assert consent.current_consent(world.speyer.id) is None


def test_an_account_that_may_not_represent_cannot_consent(world, make_web):
    world.users.speyer.may_represent = False
    db.session.commit()
    web = make_web(world.users.speyer)
    page = web.get("/bescheide/einwilligung").get_data(as_text=True)
    assert "nur, wer die Kommune vertreten darf" in page
    assert web.post("/bescheide/einwilligung", {"confirm_consent": "y"}).status_code == 403
    assert consent.current_consent(world.speyer.id) is None


def test_the_retrieve_button_downloads_the_notice(make_application, world, make_web):
    notice = _provided(make_application, world, now())
    web = make_web(world.users.speyer)
    form = {"trigger": "retrieve", "version": notice.case.version}
    response = web.post(f"/bescheide/{notice.id}/aktion", form)
    assert response.status_code == 302 and response.location.endswith(f"/{notice.id}/pdf")
    db.session.expire_all()
    assert notice.case.state == "issued" and notice.retrieved_at is not None


def test_the_action_form_takes_its_inputs_and_names_a_missing_one(
    make_application, world, make_web
):
    notice = issued_notice(make_application, world)
    web = make_web(world.users.reviewer)
    page = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert 'name="input_action_filed_on"' in page and 'type="date"' in page
    form = {"trigger": "record_action", "version": notice.case.version, "comment": ""}
    refused = web.post(f"/bescheide/{notice.id}/aktion", form | {"input_action_filed_on": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Klage erhoben am" in text
    today = now().astimezone(BERLIN).date().isoformat()
    inputs = {"input_action_filed_on": today, "input_court_file_number": "3 K 9/26.NW"}
    assert web.post(f"/bescheide/{notice.id}/aktion", form | inputs).status_code == 302
    db.session.expire_all()
    assert notice.case.state == "contested" and notice.action_court_file_number == "3 K 9/26.NW"


def test_a_filing_day_in_the_future_is_refused(make_application, world):
    notice = issued_notice(make_application, world)
    tomorrow = (now().astimezone(BERLIN).date() + timedelta(days=1)).isoformat()
    inputs = {"action_filed_on": tomorrow, "court_file_number": "3 K 4/26.NW"}
    with pytest.raises(GuardRefused, match="nicht in der Zukunft"):
        act(notice, "record_action", world.users.reviewer, inputs=inputs)
