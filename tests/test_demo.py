"""`flask demo load|logins`: the seed story, told through the engine, in one transaction."""

from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest
from flask import url_for
from sqlalchemy import func, select

from antrag.accounts.models import User
from antrag.applications.models import Application
from antrag.clock import now
from antrag.demo import DEMO_PASSWORD, Replay
from antrag.demo_story import STAFF, STORIES
from antrag.engine import available_actions, history
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import FundingNotice
from antrag.funding.storage import notice_pdf_path
from antrag.programme.models import Municipality, Round
from antrag.web import HOME_BY_ROLE

# The demo data that `make run` loads into SQLite: the SQLite run covers it (tests/conftest.py).
pytestmark = pytest.mark.database_agnostic

DEMO_EMAILS = [a.email for a in STAFF] + [c.email for c in STORIES]


@pytest.fixture
def demo_enabled(app):
    """Switch demo data on, as the development configuration does."""
    app.config["LOAD_DEMO_DATA"] = True
    return app


@pytest.fixture
def demo(demo_enabled, runner):
    """Load the demo story once; return the app."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return demo_enabled


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def states_by_round() -> dict[str, Counter]:
    """Return, per round name, how many applications are in which state."""
    found: dict[str, Counter] = {}
    for application in db.session.scalars(select(Application)):
        found.setdefault(application.round.name, Counter())[application.state] += 1
    return found


def test_pilot_round_has_four_approved_applications(demo):
    assert states_by_round()["Pilotrunde 2019"] == Counter(approved=4)


def test_every_round_budget_reconciles_and_the_pilot_budget_is_committed(demo):
    for round_ in db.session.scalars(select(Round)):
        assert ledger.reconcile(round_) == [], round_.name
    pilot = db.session.scalar(select(Round).filter_by(name="Pilotrunde 2019"))
    assert (pilot.committed, pilot.reserved, pilot.available) == (Decimal("243000.00"), 0, 0)
    assert {a.holds_round_slot for a in db.session.scalars(select(Application))} == {True}


def test_second_round_has_both_applications_submitted(demo):
    states = states_by_round()["Zweite Runde 2019"]
    assert sum(states.values()) == 2
    assert set(states) <= {"submitted", "in_review"}


def test_open_round_holds_drafts_of_mainz_trier_and_landau(demo):
    open_round = [name for name in states_by_round() if name.startswith("Offene Runde")]
    assert len(open_round) == 1
    drafts = db.session.scalars(select(Application)).all()
    names = {a.municipality.name for a in drafts if a.round.name == open_round[0]}
    assert names == {"Mainz", "Trier", "Landau in der Pfalz"}
    assert {a.state for a in drafts if a.round.name == open_round[0]} == {"draft"}


def test_open_round_is_open_today(demo):
    application = db.session.scalars(
        select(Application).where(Application.submitted_at.is_(None))
    ).first()
    assert application.round.is_open(now())


def test_accounts_per_role(demo):
    roles = Counter(db.session.scalars(select(User.role)))
    assert roles == Counter(reviewer=2, mentor=2, admin=1, applicant=len(STORIES))
    organisations = {u.role: u.organisation for u in db.session.scalars(select(User))}
    assert organisations["reviewer"] == "Ministerium des Innern und für Sport Rheinland-Pfalz"
    assert organisations["mentor"] == "KL.digital GmbH"


def test_every_city_of_the_story_and_kaiserslautern_exist(demo):
    keys = set(db.session.scalars(select(Municipality.ags)))
    assert {c.ags for c in STORIES} | {"07312000"} <= keys


def test_history_verifies_and_lies_in_the_past(demo, runner):
    checked, broken = history.verify()
    assert broken is None and checked == count(HistoryEntry)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    moments = list(db.session.scalars(select(HistoryEntry.created_at).order_by(HistoryEntry.seq)))
    assert moments == sorted(moments)
    assert moments[0].year == 2019 and moments[-1] < now()


def test_pilot_approvals_were_co_signed_by_a_second_reviewer(demo):
    entries = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.trigger.in_(["propose_approval", "approve"]))
    ).all()
    by_case: dict[int, dict[str, int]] = {}
    for entry in entries:
        by_case.setdefault(entry.case_id, {})[entry.trigger] = entry.actor_id
    assert len(by_case) == 4
    assert all(c["propose_approval"] != c["approve"] for c in by_case.values())


def test_if_empty_is_idempotent(demo, runner):
    before = (count(User), count(HistoryEntry), count(Application))
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert (count(User), count(HistoryEntry), count(Application)) == before


def test_load_without_if_empty_refuses_when_data_exists(demo, runner):
    users = count(User)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "already holds data" in result.output
    assert count(User) == users


def test_if_empty_loads_into_an_empty_database(demo_enabled, runner):
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert count(Application) == len(STORIES)


@pytest.mark.parametrize("args, code", [(["demo", "load"], 1), (["demo", "load", "--if-empty"], 0)])
def test_load_is_refused_where_demo_data_is_switched_off(app, runner, args, code):
    app.config["LOAD_DEMO_DATA"] = False
    result = runner.invoke(args=args)
    assert result.exit_code == code
    assert "switched off" in result.output
    assert count(User) == 0


def test_a_failure_midway_leaves_no_data_and_no_files(demo_enabled, runner, monkeypatch):
    original = Replay.step

    def failing_step(self, city, action, actor, comment):
        if action == "approve":
            raise RuntimeError("simulated failure")
        return original(self, city, action, actor, comment)

    monkeypatch.setattr(Replay, "step", failing_step)
    result = runner.invoke(args=["demo", "load"])
    assert isinstance(result.exception, RuntimeError)
    assert (count(User), count(Municipality), count(HistoryEntry)) == (0, 0, 0)
    uploads = Path(demo_enabled.config["UPLOAD_FOLDER"])
    assert not any(uploads.glob("*.pdf"))


def test_logins_prints_the_url_and_every_login(demo, runner):
    result = runner.invoke(args=["demo", "logins", "--url", "http://127.0.0.1:5055"])
    assert result.exit_code == 0
    assert "http://127.0.0.1:5055/" in result.output
    for email in DEMO_EMAILS:
        line = next(line for line in result.output.splitlines() if email in line)
        assert DEMO_PASSWORD in line


def test_logins_says_so_when_nothing_is_loaded(runner):
    result = runner.invoke(args=["demo", "logins"])
    assert result.exit_code == 0
    assert "No demo accounts" in result.output


def test_every_demo_login_can_log_in(demo, make_web):
    accounts = db.session.execute(
        select(User.email, User.role).where(User.email.in_(DEMO_EMAILS))
    ).all()
    assert len(accounts) == len(DEMO_EMAILS)
    for email, role in accounts:
        # A fresh app context per person: requests reuse the pushed one, and with it
        # Flask-Login's user cached in `g`.
        with demo.app_context():
            web = make_web()
            web.login(SimpleNamespace(email=email), password=DEMO_PASSWORD)
            home = web.get("/")
            assert home.status_code == 302
            assert home.location == url_for(HOME_BY_ROLE[role], _external=False)
            assert web.get(home.location).status_code == 200


def test_the_mainz_draft_is_ready_to_submit_and_trier_is_not(demo):
    verdicts = {}
    for application in db.session.scalars(select(Application)):
        if application.municipality.name in ("Mainz", "Trier"):
            officer = db.session.scalar(
                select(User).filter_by(municipality=application.municipality)
            )
            actions = available_actions(application.case, officer, application)
            verdicts[application.municipality.name] = next(
                a.allowed for a in actions if a.trigger == "submit"
            )
    assert verdicts == {"Mainz": True, "Trier": False}


def test_each_issued_notice_names_the_court_of_its_city(demo):
    courts = {
        "Speyer": "Verwaltungsgericht Neustadt an der Weinstraße",
        "Zweibrücken": "Verwaltungsgericht Neustadt an der Weinstraße",
        "Wörth am Rhein": "Verwaltungsgericht Neustadt an der Weinstraße",
        "Andernach": "Verwaltungsgericht Koblenz",
    }
    issued = db.session.scalars(
        select(FundingNotice).where(FundingNotice.pdf_stored_name.is_not(None))
    ).all()
    assert {notice.municipality.name for notice in issued} == set(courts)
    for notice in issued:
        reader = pypdf.PdfReader(notice_pdf_path(notice))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        assert f"beim {courts[notice.municipality.name]}," in text
        assert "Verwaltungsgericht Mainz" not in text


def test_woerths_notice_became_final_when_the_period_from_its_service_ended(demo):
    from datetime import date

    from antrag.engine.calendar import BERLIN

    woerth = db.session.scalar(
        select(FundingNotice).join(Municipality).where(Municipality.name == "Wörth am Rhein")
    )
    assert (woerth.service_mode, woerth.posted_on) == ("post", date(2019, 5, 14))
    assert woerth.made_known_on == date(2019, 5, 17)
    assert woerth.action_period_ends_on == date(2019, 6, 17)
    assert woerth.case.state == "final" and woerth.appeal_waived_at is None
    assert woerth.final_at.astimezone(BERLIN).date() == date(2019, 6, 18)


def test_every_pilot_notice_has_its_service_recorded(demo):
    from datetime import date

    notices = db.session.scalars(select(FundingNotice)).all()
    issued = [n for n in notices if n.issued_at is not None]
    assert len(issued) == 4
    assert {(n.service_mode, n.made_known_on) for n in issued} == {("post", date(2019, 5, 17))}


def test_speyer_is_heard_on_a_reclaim_with_its_deadline_running(demo):
    from antrag.reclaim.models import Reclaim

    (reclaim,) = db.session.scalars(select(Reclaim)).all()
    assert reclaim.municipality.name == "Speyer" and reclaim.case.state == "hearing"
    assert reclaim.amount == Decimal("8000.00") and reclaim.hearing_pdf_sha256
    assert reclaim.case.due_at > now()
