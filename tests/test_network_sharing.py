"""The city's page for sharing projects: who may open and change it, and what it stores."""

import pytest
from test_directory import _approve

from antrag.extensions import db
from antrag.network.models import SharedProject

ROLES = ("anonymous", "own_city", "other_city", "reviewer", "mentor", "admin")


def _users(world):
    u = world.users
    return {
        "anonymous": None,
        "own_city": u.speyer,
        "other_city": u.andernach,
        "reviewer": u.reviewer,
        "mentor": u.mentor,
        "admin": u.admin,
    }


@pytest.fixture
def project(world, make_application):
    """A project of Speyer, which is a member."""
    return _approve(make_application, world).projects[0]


#         page                          anon own  other rev  ment adm
TABLE = [
    ("/projekte-teilen/", (302, 200, 200, 403, 403, 403)),
    ("/projekte-teilen/{project}", (302, 200, 404, 403, 403, 403)),
    ("/projekte-teilen/999999", (302, 404, 404, 403, 403, 403)),
]


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        pytest.param(page, role, expected[i], id=f"{page} as {role}")
        for page, expected in TABLE
        for i, role in enumerate(ROLES)
    ],
)
def test_who_may_open_the_sharing_pages(make_web, world, project, page, role, expected):
    web = make_web(_users(world)[role])
    response = web.get(page.format(project=project.id))
    assert response.status_code == expected
    if expected == 302:
        assert "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_own_city_may_change_the_choice(make_web, world, project, role):
    web = make_web(_users(world)[role])
    if role == "anonymous":
        web.get("/mitglieder/")  # an anonymous page still carries a CSRF token
    response = web.post(f"/projekte-teilen/{project.id}", {"shared": "y"})
    expected = {"anonymous": 302, "own_city": 302, "other_city": 404}.get(role, 403)
    assert response.status_code == expected
    db.session.expire_all()
    row = db.session.get(SharedProject, project.id)
    assert (row is not None and row.shared) == (role == "own_city")


def test_a_post_without_csrf_token_is_refused(make_web, world, project):
    web = make_web(world.users.speyer)
    response = web.post(f"/projekte-teilen/{project.id}", {"shared": "y"}, csrf=False)
    assert response.status_code == 400
    assert db.session.get(SharedProject, project.id) is None


def test_a_city_that_is_not_a_member_cannot_share_yet(make_web, world, make_application):
    application = make_application("in_review")
    web = make_web(world.users.speyer)
    page = web.get("/projekte-teilen/").get_data(as_text=True)
    assert "Sobald der Beitrittsantrag von Speyer bewilligt ist" in page
    assert application.projects[0].title not in page
    project_id = application.projects[0].id
    assert web.get(f"/projekte-teilen/{project_id}").status_code == 404
    assert web.post(f"/projekte-teilen/{project_id}", {"shared": "y"}).status_code == 404
    assert db.session.get(SharedProject, project_id) is None


def test_sharing_stores_the_choice_summary_and_contact(make_web, world, project):
    web = make_web(world.users.speyer)
    page = web.get("/projekte-teilen/").get_data(as_text=True)
    assert project.title in page and "nicht geteilt" in page
    response = web.post(
        f"/projekte-teilen/{project.id}",
        {"shared": "y", "summary": "  Kurz gesagt.  ", "contact_email": "it@speyer.de"},
    )
    assert response.status_code == 302
    row = db.session.get(SharedProject, project.id)
    assert (row.shared, row.summary, row.contact_email) == (True, "Kurz gesagt.", "it@speyer.de")
    assert row.updated_by_id == world.users.speyer.id
    listing = web.get("/projekte-teilen/", follow_redirects=True).get_data(as_text=True)
    assert "erscheint jetzt im Mitgliederverzeichnis" in listing
    directory = web.get("/mitglieder/").get_data(as_text=True)
    assert "Kurz gesagt." in directory and "mailto:it@speyer.de" in directory


def test_bad_input_gets_field_messages_and_keeps_what_was_typed(make_web, world, project):
    web = make_web(world.users.speyer)
    response = web.post(
        f"/projekte-teilen/{project.id}",
        {"shared": "y", "summary": "Mein Text\x00", "contact_email": "keine-adresse"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in page
    assert "unzulässige Steuerzeichen" in page
    assert 'value="keine-adresse"' in page
    assert db.session.get(SharedProject, project.id) is None
