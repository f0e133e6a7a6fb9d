"""The public member directory: only member cities, only the projects they chose to share."""

from datetime import UTC, datetime, timedelta

import pytest
from funding_support import act, notice_of
from sqlalchemy import select

from antrag import engine
from antrag.applications.models import Project
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.mentoring.models import MentoringAssignment
from antrag.network.models import SharedProject
from antrag.network.operations import set_sharing
from antrag.network.queries import members

SECRET = "Interne Kalkulation, nicht veröffentlichen"


def _approve(make_application, world, municipality=None, at=None, issue=True):
    """Drive an application to approval (co-signed at `at`, default now) and issue its notice."""
    application = make_application("proposed_approval", municipality=municipality)
    with frozen_at(at or utcnow()):
        engine.fire(
            application.case_id,
            "approve",
            world.users.reviewer2,
            version=application.case.version,
        )
    db.session.commit()
    if issue:
        world.users.reviewer.can_sign = True
        db.session.commit()
        act(notice_of(application), "issue", world.users.reviewer)
    return application


def _add_project(application, title, field, description):
    """Give an application a further project (as if it had been in the form)."""
    project = Project(
        application=application,
        position=len(application.projects),
        title=title,
        field_of_action=field,
        description=description,
    )
    db.session.add(project)
    db.session.commit()
    return project


def _share(user, project, **kwargs):
    kwargs.setdefault("shared", True)
    row = set_sharing(user, project, **kwargs)
    db.session.commit()
    return row


@pytest.fixture
def speyer_member(world, make_application):
    """Speyer approved, with a shared and an unshared project."""
    application = _approve(make_application, world)
    shared = application.projects[0]  # "Digitales Bürgerbüro", verwaltung
    hidden = _add_project(application, "Smarte Parkplätze", "mobilitaet", SECRET)
    _share(world.users.speyer, shared, summary="Termine online buchen.")
    return application, shared, hidden


def test_directory_shows_only_shared_projects(web, speyer_member):
    _application, shared, hidden = speyer_member
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Speyer" in page
    assert shared.title in page and "Termine online buchen." in page
    assert hidden.title not in page
    assert SECRET not in page
    detail = web.get(f"/mitglieder/{shared.application.municipality.ags}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert shared.title in text and hidden.title not in text and SECRET not in text


def test_nothing_is_shared_by_default(web, world, make_application):
    application = _approve(make_application, world)
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Speyer" in page
    assert application.projects[0].title not in page
    assert "Online-Terminvergabe" not in page


def test_unsharing_hides_the_project_again(web, world, speyer_member):
    _application, shared, _hidden = speyer_member
    _share(world.users.speyer, shared, shared=False, summary="Termine online buchen.")
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Speyer" in page and shared.title not in page


def test_without_summary_the_description_is_shown(web, world, make_application):
    application = _approve(make_application, world)
    _share(world.users.speyer, application.projects[0])
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Online-Terminvergabe und Antragsstrecken." in page


@pytest.mark.parametrize("state", ["draft", "submitted", "in_review", "rejected", "withdrawn"])
def test_non_members_are_never_listed(web, world, make_application, state):
    application = make_application(state, municipality=world.andernach)
    # Even a sharing row written behind the page's back does not make a city a member.
    db.session.add(
        SharedProject(
            project_id=application.projects[0].id, shared=True, updated_by=world.users.andernach
        )
    )
    db.session.commit()
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Andernach" not in page
    assert application.projects[0].title not in page
    assert web.get(f"/mitglieder/{world.andernach.ags}").status_code == 404
    assert members() == []


def test_a_city_is_listed_once_its_notice_is_issued(web, world, make_application):
    """Approved, with the notice still a draft: not yet a member in public."""
    application = _approve(make_application, world, issue=False)
    _share(world.users.speyer, application.projects[0])
    assert "Speyer" not in web.get("/mitglieder/").get_data(as_text=True)
    assert web.get(f"/mitglieder/{world.speyer.ags}").status_code == 404
    assert members() == []

    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice_of(application), "issue", world.users.reviewer)
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Speyer" in page and application.projects[0].title in page
    assert web.get(f"/mitglieder/{world.speyer.ags}").status_code == 200


def test_filter_by_field_of_action(web, world, make_application, speyer_member):
    andernach = _approve(make_application, world, world.andernach)
    bus = _add_project(andernach, "On-Demand-Bus", "mobilitaet", "Rufbus per App.")
    _share(world.users.andernach, bus)
    page = web.get("/mitglieder/?handlungsfeld=mobilitaet").get_data(as_text=True)
    assert "On-Demand-Bus" in page and "Andernach" in page
    # Speyer shares only an administration project: not listed under mobility.
    assert "Speyer" not in page and "Digitales Bürgerbüro" not in page
    page = web.get("/mitglieder/?handlungsfeld=verwaltung").get_data(as_text=True)
    assert "Speyer" in page and "Digitales Bürgerbüro" in page
    assert "Andernach" not in page and "On-Demand-Bus" not in page
    page = web.get("/mitglieder/?handlungsfeld=bildung").get_data(as_text=True)
    assert "Noch keine Mitgliedsstadt teilt ein Projekt in diesem Handlungsfeld." in page
    everything = web.get("/mitglieder/").get_data(as_text=True)
    assert "Andernach" in everything and "Speyer" in everything


def test_the_filter_form_keeps_a_readable_get_url(web, speyer_member):
    page = web.get("/mitglieder/?handlungsfeld=verwaltung").get_data(as_text=True)
    assert 'method="get"' in page and 'name="handlungsfeld"' in page
    assert '<option selected value="verwaltung">' in page


def test_an_unknown_field_of_action_is_named_and_all_cities_are_shown(web, speyer_member):
    response = web.get("/mitglieder/?handlungsfeld=raumfahrt%00")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Dieses Handlungsfeld gibt es nicht." in page
    assert "Speyer" in page and "Digitales Bürgerbüro" in page


def test_joined_date_round_and_mentor_organisation(web, world, make_application):
    mentor = world.users.mentor
    mentor.mentor_capacity, mentor.mentor_topics = 2, "verwaltung"
    db.session.commit()
    # 23:30 UTC is already the next day in Berlin.
    tomorrow = utcnow().date() + timedelta(days=1)
    moment = datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=23, minutes=30)
    application = _approve(make_application, world, at=moment)
    (member,) = members()
    assert member.joined_on == tomorrow + timedelta(days=1)
    assert member.round.name == "Testrunde"
    assert member.mentor_organisation is None  # only proposed so far
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert (tomorrow + timedelta(days=1)).strftime("%d.%m.%Y") in page
    assert "Testrunde" in page and "noch offen" in page

    assignment = db.session.scalars(
        select(MentoringAssignment).filter_by(application_id=application.id)
    ).one()
    engine.fire(assignment.case_id, "accept", mentor, version=assignment.case.version)
    db.session.commit()
    (member,) = members()
    assert member.mentor_organisation == "KL.digital GmbH"
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "noch offen" not in page


def test_kaiserslautern_and_kl_digital_are_shown_as_partners(web):
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Begleitende Stadt" in page and "Kaiserslautern" in page
    assert "KL.digital GmbH" in page
    assert "Noch ist keine Stadt Mitglied des Netzwerks." in page


def test_member_page_of_an_unknown_key_is_404(web):
    assert web.get("/mitglieder/07999999").status_code == 404
    assert web.get("/mitglieder/kein-schluessel").status_code == 404
