"""Setting up a fresh production from the shell: signing authority, mentors, rounds, guideline.

Every change goes through the operations of the admin pages, so the administration record
names it (with `--actor`), and the round's ledger still reconciles to the cent.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from funding_support import act, notice_of
from sqlalchemy import select

from antrag.audit.models import AdminRecord
from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.funding.ledger import reconcile
from antrag.programme.models import Programme, Round

ADMIN = "Admin <admin@antrag.rlp.de>"
PROGRAMME = "Interkommunales Netzwerk Digitale Stadt"


def changes(object_type: str, object_id: int) -> dict[str, tuple]:
    """Return field → (old, new, actor) of an object's recorded changes."""
    rows = db.session.scalars(
        select(AdminRecord)
        .filter_by(object_type=object_type, object_id=object_id)
        .where(AdminRecord.field.is_not(None))
        .order_by(AdminRecord.seq)
    )
    return {r.field: (r.old_value, r.new_value, r.actor_name) for r in rows}


def invoke(runner, *args, actor="admin@antrag.rlp.de"):
    group, *rest = args
    return runner.invoke(args=[group, "--actor", actor, *rest])


# --- mentors ------------------------------------------------------------------------------


def test_users_edit_sets_mentor_capacity_and_topics_on_the_record(runner, world):
    mentor = world.users.mentor
    result = invoke(
        runner, "users", "edit", mentor.email, "--mentor-capacity", "3",
        "--mentor-topics", "bildung, verwaltung",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "mentor capacity 3" in result.output
    db.session.refresh(mentor)
    assert (mentor.mentor_capacity, mentor.mentor_topics) == (3, "verwaltung,bildung")
    recorded = changes("user", mentor.id)
    assert recorded["mentor_capacity"][1:] == ("3", ADMIN)
    assert recorded["mentor_topics"][1:] == ("verwaltung,bildung", ADMIN)


def test_users_edit_keeps_what_is_not_given_and_clears_topics_with_an_empty_value(runner, world):
    mentor = world.users.mentor
    invoke(
        runner,
        "users",
        "edit",
        mentor.email,
        "--mentor-capacity",
        "2",
        "--mentor-topics",
        "bildung",
    )
    result = invoke(runner, "users", "edit", mentor.email, "--mentor-topics", "")
    assert result.exit_code == 0, result.output
    db.session.refresh(mentor)
    assert (mentor.mentor_capacity, mentor.mentor_topics) == (2, "")


def test_users_create_a_mentor_with_capacity_and_topics(runner, world):
    result = runner.invoke(
        args=["users", "create", "mentor2@kl.digital", "--role", "mentor", "--mentor-capacity",
              "4", "--mentor-topics", "mobilitaet"],
        input="ein-langes-passwort\nein-langes-passwort\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from antrag.accounts.models import User

    created = db.session.scalar(select(User).filter_by(email="mentor2@kl.digital"))
    assert (created.mentor_capacity, created.mentor_topics) == (4, "mobilitaet")


@pytest.mark.parametrize(
    ("who", "options", "message"),
    [
        ("mentor", ["--mentor-capacity", "51"], "Zahl von 0 bis 50"),
        ("mentor", ["--mentor-topics", "raumfahrt"], "Unbekanntes Handlungsfeld „raumfahrt“"),
        ("reviewer", ["--mentor-capacity", "2"], "nur für Konten des Mentorings"),
        ("mentor", ["--can-sign"], "Zeichnungsbefugnis gibt es nur"),
    ],
)
def test_users_edit_refuses_what_the_admin_form_refuses(runner, world, who, options, message):
    user = getattr(world.users, who)
    before = (user.mentor_capacity, user.mentor_topics, user.can_sign)
    result = invoke(runner, "users", "edit", user.email, *options)
    assert result.exit_code == 1
    assert message in result.output
    db.session.refresh(user)
    assert (user.mentor_capacity, user.mentor_topics, user.can_sign) == before
    assert changes("user", user.id) == {}


# --- rounds and programmes ----------------------------------------------------------------


def test_rounds_edit_changes_budget_and_standard_amount_on_the_record(runner, world):
    result = invoke(
        runner, "rounds", "edit", "Testrunde", "--budget", "300.000,00",
        "--standard-amount", "50.000,50", "--budget-chapter", "0302",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "budget 300.000,00 EUR" in result.output
    rnd = db.session.get(Round, world.round.id)
    db.session.refresh(rnd)
    assert (rnd.budget, rnd.standard_amount) == (Decimal("300000.00"), Decimal("50000.50"))
    assert (rnd.budget_chapter, rnd.budget_title) == ("03 02", "883 01")  # title kept
    assert len(rnd.invited) == 2 and rnd.opens_on == world.round.opens_on
    recorded = changes("round", rnd.id)
    assert recorded["budget"] == ("243000.00", "300000.00", ADMIN)
    assert recorded["standard_amount"] == ("60750.00", "50000.50", ADMIN)
    assert recorded["budget_chapter"] == ("03 01", "03 02", ADMIN)
    assert reconcile(rnd) == []


def test_rounds_edit_never_lowers_the_budget_below_what_is_committed(
    runner, world, make_application
):
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice_of(make_application("approved")), "issue", world.users.reviewer)
    result = invoke(runner, "rounds", "edit", "Testrunde", "--budget", "10.000,00")
    assert result.exit_code == 1
    assert "mindestens 60.750,00" in result.output
    rnd = db.session.get(Round, world.round.id)
    db.session.refresh(rnd)
    assert rnd.budget == Decimal("243000.00")
    assert "budget" not in changes("round", rnd.id)
    assert reconcile(rnd) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--budget", "viel"], "--budget"),
        (["--standard-amount", "0,00"], "standard_amount"),
        (["--closes", "01.01.2000"], "nicht vor ihrem Beginn"),
        (["--budget-title", "12"], "Der Titel hat 5 Ziffern"),
    ],
)
def test_rounds_edit_refuses_bad_values_and_changes_nothing(runner, world, options, message):
    result = invoke(runner, "rounds", "edit", "Testrunde", *options)
    assert result.exit_code == 1
    assert message in result.output
    assert changes("round", world.round.id) == {}


def test_rounds_edit_names_an_unknown_round(runner, world):
    result = invoke(runner, "rounds", "edit", "Keine Runde", "--budget", "1,00")
    assert result.exit_code == 1 and "No round called 'Keine Runde'" in result.output


def test_rounds_programme_sets_the_guideline_on_the_record(runner, world):
    result = invoke(
        runner, "rounds", "programme", PROGRAMME, "--guideline-title", "Förderrichtlinie Neu",
        "--guideline-date", "01.02.2027",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    programme = db.session.get(Programme, world.programme.id)
    db.session.refresh(programme)
    assert (programme.guideline_title, programme.guideline_date) == (
        "Förderrichtlinie Neu",
        date(2027, 2, 1),
    )
    assert changes("programme", programme.id)["guideline_date"][1:] == ("2027-02-01", ADMIN)


# --- the journey --------------------------------------------------------------------------


def test_a_fresh_setup_issues_a_notice_without_the_web_ui(
    runner, world, make_application, same_day
):
    """Programme, round, budget item, guideline and signing authority from the shell only."""
    today = now().astimezone(BERLIN).date()  # the app's day (frozen at 11:00 Berlin time)
    day = lambda d: d.strftime("%d.%m.%Y")  # noqa: E731
    created = invoke(
        runner, "rounds", "create", "Runde 2027", "--programme", "Digitale Dörfer",
        "--create-programme", "--opens", day(today - timedelta(days=1)),
        "--closes", day(today + timedelta(days=60)), "--budget", "100.000,00",
        "--standard-amount", "60.750,00", "--eligibility", "all_cities",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    rnd = db.session.scalar(select(Round).filter_by(name="Runde 2027"))
    notice = notice_of(make_application("approved", round_=rnd))
    with pytest.raises(GuardRefused):  # no guideline, no budget item, no signing authority
        act(notice, "issue", world.users.reviewer)
    db.session.rollback()

    for args in (
        ["rounds", "edit", "Runde 2027", "--budget-chapter", "03 01", "--budget-title", "883 01"],
        ["rounds", "programme", "Digitale Dörfer", "--guideline-title", "Richtlinie Dörfer",
         "--guideline-date", "15.01.2027"],
        ["users", "edit", world.users.reviewer.email, "--can-sign"],
    ):  # fmt: skip
        result = invoke(runner, *args)
        assert result.exit_code == 0, result.output

    db.session.expire_all()
    notice = db.session.merge(notice)
    act(notice, "issue", world.users.reviewer)
    assert notice.case.state == "issued"
    rnd = db.session.get(Round, rnd.id)
    assert rnd.committed == Decimal("60750.00")
    assert reconcile(rnd) == []
