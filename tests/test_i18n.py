"""Languages: German by default, English selectable, every string in the catalog, locale formats."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.i18n import TRANSLATIONS_DIR, extract_messages

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic

PO_PATH = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
MO_PATH = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


@pytest.fixture(scope="module")
def catalog():
    with open(PO_PATH, "rb") as fileobj:
        return read_po(fileobj, locale="en_GB")


def entries(catalog):
    return [m for m in catalog if m.id]


def forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER_RE.finditer(text)}


def english(web):
    """Switch `web` to English the way a person does: with the header's form."""
    response = web.post("/sprache", {"lang": "en", "next": "/anmelden"})
    assert response.status_code == 302
    return web


# The catalog ------------------------------------------------------------------------------


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy(catalog):
    untranslated = [m.id for m in entries(catalog) if not all(s.strip() for s in forms(m.string))]
    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy


def test_extraction_over_the_tree_finds_no_msgid_missing_from_the_catalog(catalog):
    known = {text for m in entries(catalog) for text in forms(m.id)}
    found = extract_messages()
    missing = {msgid: where for msgid, where in found.items() if msgid not in known}
    assert missing == {}
    assert "Beitrittsantrag mit Förderantrag" in found  # the workflow labels are extracted too


def test_placeholders_match_between_msgid_and_translation(catalog):
    wrong = []
    for m in entries(catalog):
        expected = set().union(*(placeholders(text) for text in forms(m.id)))
        for text in forms(m.string):
            if not placeholders(text) <= expected or (
                not isinstance(m.id, tuple) and placeholders(text) != expected
            ):
                wrong.append((m.id, text))
    assert wrong == []


def test_compiled_catalog_matches_the_po_file(catalog):
    with open(MO_PATH, "rb") as fileobj:
        compiled = read_mo(fileobj)
    translated = {forms(m.id): forms(m.string) for m in compiled if m.id}
    stale = [m.id for m in entries(catalog) if translated.get(forms(m.id)) != forms(m.string)]
    assert stale == [], "run `make translations` to compile the catalog"


# The switch -------------------------------------------------------------------------------


def test_german_is_the_default(web):
    page = web.get("/anmelden").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "<h1>Anmelden</h1>" in page
    assert 'lang="en"' in page and ">English</button>" in page


def test_switching_to_english_translates_the_login_page(web):
    response = web.post("/sprache", {"lang": "en", "next": "/anmelden"})
    assert response.headers["Location"] == "/anmelden"
    page = web.get("/anmelden").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page and "E-mail address" in page
    assert ">Deutsch</button>" in page and "Anmelden" not in page


def test_the_language_survives_the_login(make_web, world):
    web = english(make_web())
    web.login(world.users.speyer)
    page = web.get("/antraege/").get_data(as_text=True)
    assert "<h1>Applications of Speyer</h1>" in page
    assert "Open application rounds" in page and "€60,750.00" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "anmelden"]
)
def test_the_switch_refuses_external_redirect_targets(web, target):
    web.get("/anmelden")
    response = web.post("/sprache", {"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_switch_needs_a_csrf_token(web):
    response = web.post("/sprache", {"lang": "en", "next": "/anmelden"}, csrf=False)
    assert response.status_code == 400
    assert '<html lang="de">' in web.get("/anmelden").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(web):
    web.get("/anmelden")
    web.post("/sprache", {"lang": "fr", "next": "/anmelden"})
    assert '<html lang="de">' in web.get("/anmelden").get_data(as_text=True)


# English pages and formats ----------------------------------------------------------------


def test_the_case_page_shows_workflow_labels_dates_and_money_in_english(
    make_web, world, make_application
):
    application = make_application("changes_requested")
    application.submitted_at = datetime(2019, 5, 14, 8, 30, tzinfo=BERLIN)
    db.session.commit()
    web = english(make_web())
    web.login(world.users.speyer)
    page = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert "Membership application with funding request: Speyer" in page
    assert "Changes requested" in page  # the state's label from workflows/membership/v1.yaml
    assert "Submit revised application" in page  # a transition's label
    assert "14 May 2019, 08:30" in page
    assert "€60,750.00" in page and "60.750,00 €" not in page
    assert "Änderungen angefordert" not in page


def test_the_same_case_page_stays_german_by_default(make_web, world, make_application):
    application = make_application("changes_requested")
    web = make_web(world.users.speyer)
    page = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert "Änderungen angefordert" in page and "60.750,00\xa0€" in page
    assert "Changes requested" not in page


def test_the_review_queue_in_english(make_web, world, make_application):
    make_application("submitted")
    web = english(make_web())
    web.login(world.users.reviewer)
    page = web.get("/pruefung/").get_data(as_text=True)
    assert "Review queue" in page
    assert "Submitted" in page and "Eingereicht" not in page


def test_a_refusal_reason_from_a_guard_is_english(make_web, world, make_application):
    application = make_application("proposed_approval")
    web = english(make_web())
    web.login(world.users.reviewer)
    page = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert "Under the four-eyes principle, a second person in the ministry decides." in page


def test_an_error_page_in_english(make_web, world):
    web = english(make_web())
    web.login(world.users.speyer)
    response = web.get("/antraege/999999")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "This page does not exist, or you may not see it." in page


def test_a_flash_message_and_a_form_error_in_english(make_web, world, make_application):
    application = make_application("draft")
    web = english(make_web())
    web.login(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        {"version": application.case.version, "requested_amount": "viel"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter an amount in euros in German format" in page


def test_mail_stays_german_when_the_actor_reads_english(make_web, world, make_application):
    from antrag.mail.models import OutboxMessage

    application = make_application("draft")
    web = english(make_web())
    web.login(world.users.speyer)
    web.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "submit", "version": application.case.version},
    )
    bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage))]
    assert bodies and all("60.750,00" in body or "Antrag" in body for body in bodies)
    assert not any("€60,750.00" in body for body in bodies)


def test_english_formats_outside_pages(app):
    from antrag.formats import format_date, format_datetime, format_money

    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        assert format_money(Decimal("60750")) == "€60,750.00"
        assert format_date(datetime(2019, 5, 14, 10, 0, tzinfo=BERLIN).date()) == "14 May 2019"
        assert format_datetime(datetime(2019, 5, 14, 8, 30, tzinfo=BERLIN)) == "14 May 2019, 08:30"


def test_a_date_in_a_form_comes_back_unchanged_in_english(make_web, world, make_application):
    """The edit form shows a saved date the way its field reads it, in English too."""
    from test_applications_web import _form

    application = make_application("draft")
    project = application.projects[0]
    web = english(make_web())
    web.login(world.users.speyer)
    url = f"/antraege/{application.id}/bearbeiten"
    page = web.get(url).get_data(as_text=True)
    shown = {
        name: re.search(rf'name="projects-0-{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in ("period_start", "period_end")
    }
    assert shown["period_start"] == project.period_start.strftime("%d.%m.%Y")

    form = _form(application, **{"projects-0-project_id": str(project.id)})
    form |= {f"projects-0-{name}": value for name, value in shown.items()}
    response = web.post(url, form)
    errors = re.findall(r"error-message[^>]*>([^<]*)", response.get_data(as_text=True))
    assert (response.status_code, errors) == (302, [])
    db.session.expire_all()
    assert db.session.get(type(project), project.id).period_start == project.period_start


@pytest.mark.parametrize(
    "typed", ["01.03.2027", "1.3.2027", "2027-03-01", "1 Mar 2027", "1 March 2027", "Mar 1, 2027"]
)
def test_a_date_field_reads_what_either_language_shows(typed):
    from antrag.formats import parse_date

    assert parse_date(typed) == date(2027, 3, 1)
