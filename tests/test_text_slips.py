"""What a newcomer read wrongly (issue 15): times, counts, persons, open periods, articles."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from meetings_support import sign_up
from sqlalchemy import select

from antrag.applications.models import Project
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.meetings.operations import create_meeting

MINISTRY = "Ministerium des Innern und für Sport Rheinland-Pfalz"


@pytest.fixture
def one_day_meeting(world):
    """A meeting from 10:00 to 16:00 (Berlin) on 15 January 2031."""
    meeting = create_meeting(
        world.users.reviewer,
        title="5. Netzwerktreffen",
        starts_at=datetime(2031, 1, 15, 9, 0, tzinfo=UTC),
        ends_at=datetime(2031, 1, 15, 15, 0, tzinfo=UTC),
        place="Rathaus Speyer",
        agenda="Begrüßung",
        capacity=10,
    )
    db.session.commit()
    return meeting


def _mail_to(address) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)).one()


# --- same-day times -----------------------------------------------------------------------


def test_a_meeting_on_one_day_names_the_day_once(web, one_day_meeting):
    for url in ("/netzwerktreffen/", f"/netzwerktreffen/{one_day_meeting.id}"):
        page = web.get(url).get_data(as_text=True)
        assert "15.01.2031, 10:00–16:00 Uhr" in page, url
        assert "15.01.2031, 16:00 Uhr" not in page, url


def test_the_meeting_mail_names_the_day_once(world, one_day_meeting):
    sign_up(one_day_meeting, world.speyer, "a@speyer.de")
    assert "Zeit: 15.01.2031, 10:00–16:00 Uhr" in _mail_to("a@speyer.de").body


# --- singular and plural ------------------------------------------------------------------


def test_the_admin_index_counts_one_programme_and_one_round_in_the_singular(make_web, world):
    page = make_web(world.users.admin).get("/verwaltung/").get_data(as_text=True)
    assert "1 Programm, 1 Runde mit Fristen" in page
    assert "1 Programme" not in page and "1 Runden" not in page
    assert "3 Kommunen mit Amtlichem Gemeindeschlüssel" in page


@pytest.mark.parametrize(("persons", "said"), [(1, "1 Person"), (2, "2 Personen")])
def test_a_registration_names_its_persons_in_number(
    make_web, world, one_day_meeting, persons, said
):
    _registration, token = sign_up(one_day_meeting, world.speyer, "a@speyer.de", persons=persons)
    assert f"Ihre Anmeldung für {said} aus Speyer ist bestätigt." in _mail_to("a@speyer.de").body
    cancel_page = make_web().get(f"/netzwerktreffen/abmelden/{token}").get_data(as_text=True)
    assert f"für {said}:" in cancel_page and "Person(en)" not in cancel_page


def test_the_confirmation_page_names_one_person_in_the_singular(make_web, world, one_day_meeting):
    web = make_web()
    url = f"/netzwerktreffen/{one_day_meeting.id}"
    web.get(url)
    form = {"name": "Anna Beispiel", "municipality": str(world.pirmasens.id)}
    form |= {"email": "anna@example.org", "persons": "1"}
    response = web.post(url, form)
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ihre Anmeldung für 1 Person ist bestätigt." in page
    assert "Person(en)" not in page


# --- an open period -----------------------------------------------------------------------


def test_a_project_without_dates_says_so_instead_of_dashes(make_web, world, make_application):
    application = make_application("draft", complete=False)
    db.session.add_all(
        [
            Project(application=application, position=0, title="Ohne Zeitraum"),
            Project(
                application=application,
                position=1,
                title="Nur Beginn",
                period_start=datetime(2027, 3, 1).date(),
            ),
        ]
    )
    db.session.commit()
    page = make_web(world.users.speyer).get(f"/antraege/{application.id}")
    text = page.get_data(as_text=True)
    assert "– bis –" not in text
    assert "noch nicht festgelegt" in text and "ab 01.03.2027" in text


# --- the operator's article ---------------------------------------------------------------


def test_the_accessibility_statement_gives_the_ministry_its_article(web):
    page = web.get("/barrierefreiheit").get_data(as_text=True)
    assert f"Das {MINISTRY} ist bemüht" in page


def test_the_article_can_be_configured_for_another_operator(app, web):
    app.config.update(
        OPERATOR_NAME="KL.digital GmbH", OPERATOR_NAME_WITH_ARTICLE="Die KL.digital GmbH"
    )
    page = web.get("/barrierefreiheit").get_data(as_text=True)
    assert "Die KL.digital GmbH ist bemüht" in page


def test_an_operator_without_a_known_article_is_named_as_configured(app, web):
    app.config.update(OPERATOR_NAME="Musterbehörde des Landes")
    page = web.get("/barrierefreiheit").get_data(as_text=True)
    assert "Musterbehörde des Landes ist bemüht" in page


def test_the_english_statement_keeps_the_german_name_without_a_german_article(web):
    web.post("/sprache", {"lang": "en", "next": "/barrierefreiheit"})
    page = web.get("/barrierefreiheit").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert MINISTRY in page and f"Das {MINISTRY}" not in page


# --- house-number ranges ------------------------------------------------------------------


def test_a_house_number_range_is_shown_with_the_bis_dash(make_web, world):
    world.speyer.street = "Maximilianstraße 3-5"
    db.session.commit()
    assert world.speyer.postal_address == "Maximilianstraße 3–5\n67346 Speyer"
    page = make_web(world.users.admin).get("/verwaltung/kommunen/").get_data(as_text=True)
    assert "Maximilianstraße 3–5, 67346 Speyer" in page and "3-5" not in page


def test_the_operator_address_is_shown_with_the_bis_dash(app, web):
    app.config.update(OPERATOR_ADDRESS="Amtsweg 1-3, 55555 Musterstadt")
    page = web.get("/impressum").get_data(as_text=True)
    assert "Amtsweg 1–3, 55555 Musterstadt" in page


# --- headings -----------------------------------------------------------------------------


def _sizes_in_rem() -> dict[str, float]:
    """Return the font size (rem, narrow screens) the stylesheet gives body and h1–h6."""
    css = (Path(__file__).resolve().parent.parent / "antrag/static/antrag.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    scale = dict(re.findall(r"(--size-[\w-]+):\s*([\d.]+)rem", root))
    sizes = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        size = re.search(r"font-size:\s*var\((--size-[\w-]+)\)", body)
        for selector in (s.strip() for s in selectors.split(",")):
            if size and selector in {"body", "h1", "h2", "h3", "h4", "h5", "h6"}:
                sizes[selector] = float(scale[size.group(1)])
    return sizes


def test_no_heading_is_smaller_than_the_body_text():
    """The member directory's project titles are h5: the browser's default is 0.83em."""
    sizes = _sizes_in_rem()
    body = sizes.pop("body")
    assert set(sizes) == {"h1", "h2", "h3", "h4", "h5", "h6"}
    assert {h: size for h, size in sizes.items() if size < body} == {}


def test_the_directory_shows_project_titles_as_h5(web, world, make_application):
    from funding_support import act, notice_of

    from antrag import engine
    from antrag.network.operations import set_sharing

    application = make_application("proposed_approval")
    engine.fire(
        application.case_id, "approve", world.users.reviewer2, version=application.case.version
    )
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice_of(application), "issue", world.users.reviewer)
    set_sharing(world.users.speyer, application.projects[0], shared=True)
    db.session.commit()
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert f"<h5>{application.projects[0].title}</h5>" in page
