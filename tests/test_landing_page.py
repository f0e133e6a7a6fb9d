"""The public landing page: what Antrag is, the next meeting, the members, the way in."""

import pytest
from funding_support import issued_notice
from meetings_support import make_meeting_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.database_agnostic


def test_visitors_see_the_next_meeting_the_members_and_the_login(
    world, make_web, make_meeting, make_application
):
    make_meeting(days=-30, title="1. Netzwerktreffen")
    make_meeting(days=60, title="3. Netzwerktreffen")
    make_meeting(days=14, title="2. Netzwerktreffen")
    issued_notice(make_application, world)  # Speyer's notice is made known: a member

    response = make_web().get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Förderverfahren des Ministeriums des Innern und für Sport" in page
    next_meeting = page.split("Nächstes Netzwerktreffen")[1]
    assert "2. Netzwerktreffen" in next_meeting
    assert "1. Netzwerktreffen" not in page and "3. Netzwerktreffen" not in page
    assert "1 Stadt ist Mitglied des Netzwerks." in page
    assert 'href="/anmelden"' in page and 'href="/mitglieder/"' in page


def test_without_a_meeting_the_page_says_so(world, make_web):
    page = make_web().get("/").get_data(as_text=True)
    assert "Derzeit ist kein Treffen geplant." in page
    assert "0 Städte sind Mitglied des Netzwerks." in page


@pytest.mark.parametrize(("role", "home"), [("speyer", "/eingang/"), ("admin", "/verwaltung/")])
def test_a_logged_in_person_goes_on_to_their_start_page(world, make_web, role, home):
    from second_factor_support import pass_second_factor

    user = getattr(world.users, role)
    web = make_web(user)
    pass_second_factor(web.client, user)
    response = web.get("/")
    assert response.status_code == 302 and response.headers["Location"] == home
