"""Funding notices: drafted on approval, issued with budget commitment and PDF, then final."""

import io
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal

import pytest
from funding_support import act, final_notice, issued_notice, notice_of, proof_of
from pypdf import PdfReader
from sqlalchemy import delete, func, select, update

from antrag import engine
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.engine import timer
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused, StaleVersion
from antrag.engine.models import Case
from antrag.extensions import db
from antrag.funding import budget
from antrag.funding.file_reference import next_file_reference
from antrag.funding.models import BudgetEntry, FileReferenceCounter, FundingNotice
from antrag.funding.rules import funding_period
from antrag.funding.storage import notice_pdf_path
from antrag.mail.models import OutboxMessage
from antrag.programme.models import Round


def _year() -> int:
    return utcnow().astimezone(BERLIN).year


def test_approval_drafts_exactly_one_notice_with_the_applications_data(make_application):
    application = make_application("approved")
    notices = db.session.scalars(select(FundingNotice)).all()
    assert len(notices) == 1
    notice = notices[0]
    assert notice.case.state == "drafted"
    assert notice.file_reference == f"DS-{_year()}-0001"
    assert notice.amount == Decimal("60750.00")
    assert notice.addressee_name == "Stadt Speyer"
    assert notice.addressee_head == "vertreten durch den Oberbürgermeister"
    assert "Digitales Bürgerbüro" in notice.purpose
    assert "Verwaltung und E-Government" in notice.purpose
    assert notice.financing_type == "Festbetragsfinanzierung"
    assert notice.application_id == application.id


def test_file_references_are_gap_free_and_a_refused_approval_takes_none(make_application, world):
    first = make_application("approved")
    proposed = make_application("proposed_approval", municipality=world.andernach)
    with pytest.raises(GuardRefused):  # the proposer may not co-sign
        act(proposed, "approve", world.users.reviewer)
    db.session.rollback()
    engine.fire(proposed.case_id, "approve", world.users.reviewer2, version=proposed.case.version)
    db.session.rollback()  # an approval rolled back gives its number back
    act(proposed, "approve", world.users.reviewer2)
    references = [notice_of(a).file_reference for a in (first, proposed)]
    assert references == [f"DS-{_year()}-0001", f"DS-{_year()}-0002"]


def test_an_approval_whose_case_moved_meanwhile_takes_no_number(make_application, world):
    """PostgreSQL takes the number in the compare-and-set: only if the case moved there."""
    with frozen_at(utcnow()):  # one moment throughout: one year, even on New Year's Eve
        _approval_whose_case_moved_takes_no_number(make_application, world)


def _approval_whose_case_moved_takes_no_number(make_application, world):
    make_application("approved")  # the year's counter row exists
    proposed = make_application("proposed_approval", municipality=world.andernach)
    case = proposed.case
    # Someone else moved the case; this session still holds it as it was (no expiry).
    db.session.connection().execute(
        update(Case.__table__).where(Case.id == case.id).values(version=case.version + 1)
    )

    with pytest.raises(StaleVersion):
        engine.fire(case.id, "approve", world.users.reviewer2, version=case.version)

    # Still in the same transaction: nothing was taken, nothing is kept for later.
    assert db.session.get(FileReferenceCounter, _year()).last == 1
    db.session.connection().execute(
        update(Case.__table__).where(Case.id == case.id).values(version=case.version)
    )
    assert next_file_reference(_year()) == f"DS-{_year()}-0002"


@pytest.mark.parametrize(
    ("approved", "ends", "expected_end"),
    [
        ("2026-05-14", ["2026-09-30"], "2027-12-31"),  # at least to the end of the next year
        ("2026-05-14", ["2027-06-30", "2028-03-31"], "2028-03-31"),  # the latest project end
    ],
)
def test_funding_period_runs_from_approval_to_the_latest_project_end(approved, ends, expected_end):
    from datetime import date

    start, end = funding_period(date.fromisoformat(approved), [date.fromisoformat(e) for e in ends])
    assert (start, end) == (date.fromisoformat(approved), date.fromisoformat(expected_end))


def test_issuing_commits_the_budget_and_stores_a_real_pdf(make_application, world):
    notice = issued_notice(make_application, world)
    db.session.expire_all()
    assert notice.case.state == "issued"
    assert (world.round.committed, world.round.reserved) == (Decimal("60750.00"), 0)
    entries = db.session.scalars(select(BudgetEntry).order_by(BudgetEntry.id)).all()
    assert [(e.kind, e.amount) for e in entries] == [
        ("reservation", Decimal("60750.00")),
        ("release", Decimal("60750.00")),
        ("commitment", Decimal("60750.00")),
    ]
    path = notice_pdf_path(notice)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert notice.file_reference in text
    assert "sechzigtausendsiebenhundertfünfzig" in text
    assert notice.issued_by_id == world.users.reviewer.id and notice.pdf_sha256
    assert notice.case.due_at.astimezone(BERLIN).date() > utcnow().date() + timedelta(days=27)
    mails = db.session.scalars(select(OutboxMessage).filter_by(template="notice_issued")).all()
    assert [m.recipient for m in mails] == [world.users.speyer.email]
    assert "Klage beim Verwaltungsgericht Neustadt an der Weinstraße (" in mails[0].body
    assert "Verwaltungsgericht Neustadt an der Weinstraße" in text.replace("\n", " ")


def test_a_reviewer_without_signing_authority_sees_why_instead_of_the_button(
    make_application, world, make_web
):
    notice = notice_of(make_application("approved"))
    page = make_web(world.users.reviewer2).get(f"/bescheide/{notice.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Zeichnungsbefugnis" in html
    assert 'name="trigger" value="issue"' not in html


def test_a_city_whose_key_names_no_district_gets_a_reason_not_a_letter_without_a_court(
    make_application, world, make_web
):
    notice = notice_of(make_application("approved"))
    world.speyer.ags = "07399000"  # no Landkreis or kreisfreie Stadt of the Land is 07399
    world.users.reviewer.can_sign = True
    db.session.commit()
    web = make_web(world.users.reviewer)
    html = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "kein zuständiges Verwaltungsgericht bekannt" in html

    with pytest.raises(GuardRefused) as refused:
        act(notice, "issue", world.users.reviewer)

    assert refused.value.guard == "competent_court_known"
    db.session.rollback()
    db.session.expire_all()
    assert notice.case.state == "drafted" and notice.pdf_stored_name is None


def unreserved(notice: FundingNotice) -> FundingNotice:
    """Take the notice's reservation back, as for notices approved before approvals reserved."""
    db.session.execute(delete(BudgetEntry).where(BudgetEntry.notice_id == notice.id))
    db.session.execute(
        update(Round)
        .where(Round.id == notice.round_id)
        .values(reserved=Round.reserved - notice.amount)
    )
    db.session.commit()
    return notice


def test_a_notice_without_reservation_is_issued_only_if_the_budget_allows(make_application, world):
    first = notice_of(make_application("approved"))
    second = unreserved(notice_of(make_application("approved", municipality=world.andernach)))
    world.round.budget = Decimal("100000.00")
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(first, "issue", world.users.reviewer)
    with pytest.raises(GuardRefused, match="Budget der Runde reicht"):
        act(second, "issue", world.users.reviewer)
    db.session.rollback()
    db.session.expire_all()
    assert second.case.state == "drafted" and second.pdf_stored_name is None
    assert world.round.committed == Decimal("60750.00")
    assert db.session.scalar(select(func.count()).select_from(BudgetEntry)) == 3


def test_the_sql_guard_refuses_even_when_the_check_was_passed_before(make_application, world):
    notice = unreserved(notice_of(make_application("approved")))
    world.round.budget = Decimal("50000.00")  # as if a concurrent issue had taken the rest
    db.session.commit()
    with pytest.raises(GuardRefused, match="Das Budget der Runde reicht"):
        budget.commit(notice, notice.case_id)
    db.session.rollback()
    db.session.expire_all()
    assert world.round.committed == Decimal("0.00")


def test_waiving_the_appeal_makes_the_notice_final_and_opens_the_proof_of_use(
    make_application, world
):
    notice = final_notice(make_application, world)
    assert notice.case.state == "final"
    assert notice.appeal_waived_at is not None and notice.final_at is not None
    proof = proof_of(notice)
    assert proof.case.state == "due"
    assert proof.case.due_at.astimezone(BERLIN).date().isoformat() == "2028-06-30"


def test_the_notice_becomes_final_when_the_appeal_period_has_run_out(make_application, world):
    notice = issued_notice(make_application, world)
    with frozen_at(notice.case.due_at - timedelta(days=1)):
        assert timer.tick().fired == []
    with frozen_at(notice.case.due_at + timedelta(minutes=1)):
        report = timer.tick()
    assert report.fired == [(notice.case_id, "become_final")]
    db.session.expire_all()
    assert notice.case.state == "final" and notice.appeal_waived_at is None
    assert proof_of(notice) is not None


@pytest.mark.parametrize(
    ("issued", "period_end"),
    [
        # posted Tue 12 Nov 2024, known Fri 15 Nov (third day), one month: Sun 15 Dec → Mon
        (datetime(2024, 11, 12, 10, tzinfo=UTC), "2024-12-16"),
        # posted Mon 27 Jan 2025, known Fri 31 Jan (fourth day), no 31 Feb: Fri 28 Feb
        (datetime(2025, 1, 27, 10, tzinfo=UTC), "2025-02-28"),
        # posted Thu 21 May 2026, known Mon 25 May (Pfingstmontag, not moved): Thu 25 Jun
        (datetime(2026, 5, 21, 10, tzinfo=UTC), "2026-06-25"),
    ],
)
def test_the_appeal_period_runs_a_month_from_the_day_made_known_by_post(
    make_application, world, issued, period_end
):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    with frozen_at(issued):
        act(notice, "issue", world.users.reviewer)
    due = notice.case.due_at.astimezone(BERLIN)
    assert (due.date().isoformat(), due.time()) == (period_end, dt_time(23, 59, 59))


def test_the_setting_moves_the_day_made_known_off_a_weekend(make_application, world, app):
    app.config["SERVICE_FICTION_SHIFTS_TO_WORKING_DAY"] = True
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    # posted Tue 28 Apr 2026, known Sat 2 May → Mon 4 May; 4 Jun is Fronleichnam → Fri 5 Jun
    with frozen_at(datetime(2026, 4, 28, 10, tzinfo=UTC)):
        act(notice, "issue", world.users.reviewer)
    assert notice.case.due_at.astimezone(BERLIN).date().isoformat() == "2026-06-05"


def test_the_city_is_reminded_before_the_appeal_period_ends(make_application, world):
    notice = issued_notice(make_application, world)
    with frozen_at(notice.case.due_at - timedelta(days=2)):
        report = timer.tick()
        again = timer.tick()
    assert report.reminded == [(notice.case_id, "issued")]
    assert again.reminded == []
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "notice_appeal_reminder")
    ).one()
    assert notice.file_reference in mail.subject
    assert mail.recipient == world.users.speyer.email


def test_the_proof_of_use_is_reminded_of_before_its_due_date(make_application, world):
    proof = proof_of(final_notice(make_application, world))
    with frozen_at(proof.case.due_at - timedelta(days=2)):
        report = timer.tick()
        again = timer.tick()
    assert (proof.case_id, "due") in report.reminded
    assert again.reminded == []
    mails = db.session.scalars(select(OutboxMessage).filter_by(template="proof_reminder")).all()
    assert [m.recipient for m in mails] == [world.users.speyer.email]
    assert "30.06.2028" in mails[0].subject


def test_the_application_page_links_to_its_notice_once_issued(make_application, world, make_web):
    application = make_application("approved")
    notice = notice_of(application)
    city, ministry = make_web(world.users.speyer), make_web(world.users.reviewer)
    link = f"/bescheide/{notice.id}"
    assert link in ministry.get(f"/antraege/{application.id}").get_data(as_text=True)
    # The draft is the ministry's work: the city neither sees a link nor the page.
    assert link not in city.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert city.get(link).status_code == 404
    assert city.get(f"{link}/pdf").status_code == 404
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice, "issue", world.users.reviewer)
    assert link in city.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert city.get(link).status_code == 200


def test_the_city_downloads_the_issued_pdf_as_an_attachment(make_application, world, make_web):
    notice = issued_notice(make_application, world)
    response = make_web(world.users.speyer).get(f"/bescheide/{notice.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data().startswith(b"%PDF")


def test_issue_and_waive_appeal_through_the_notice_page(make_application, world, make_web):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    reviewer = make_web(world.users.reviewer)
    reviewer.get(f"/bescheide/{notice.id}")
    issued = reviewer.post(f"/bescheide/{notice.id}/aktion", {"trigger": "issue", "version": "1"})
    assert issued.status_code == 302
    city = make_web(world.users.speyer)
    page = city.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert 'value="waive_appeal"' in page and "/pdf" in page
    db.session.expire_all()
    waived = city.post(
        f"/bescheide/{notice.id}/aktion",
        {
            "trigger": "waive_appeal",
            "version": notice.case.version,
            "comment": "",
            "confirm_waiver": "y",
        },
    )
    assert waived.status_code == 302
    db.session.expire_all()
    assert notice.case.state == "final"
    assert "Mittel abrufen" in city.get(f"/bescheide/{notice.id}").get_data(as_text=True)


def test_the_notice_list_shows_the_city_only_its_own_notices(make_application, world, make_web):
    own = notice_of(make_application("approved"))
    make_application("approved", municipality=world.andernach)
    city = make_web(world.users.speyer)
    # A drafted notice is the ministry's: not listed for the city until it is issued.
    assert f"DS-{_year()}-0001" not in city.get("/bescheide/").get_data(as_text=True)
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(own, "issue", world.users.reviewer)
    html = city.get("/bescheide/").get_data(as_text=True)
    assert f"DS-{_year()}-0001" in html and f"DS-{_year()}-0002" not in html
    html = make_web(world.users.reviewer).get("/bescheide/").get_data(as_text=True)
    assert f"DS-{_year()}-0001" in html and f"DS-{_year()}-0002" in html


def test_concurrent_approvals_take_distinct_gap_free_numbers(app):
    barrier, results, errors = threading.Barrier(2), [], []

    def approve_in_own_transaction():
        with app.app_context():
            try:
                barrier.wait()
                reference = next_file_reference(2031)
                time.sleep(0.3)  # hold the number while the other one tries
                db.session.commit()
                results.append(reference)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve_in_own_transaction) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["DS-2031-0001", "DS-2031-0002"]
    assert next_file_reference(2031) == "DS-2031-0003"
