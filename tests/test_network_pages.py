"""The legal pages, open to everyone with the operator's data, and the links on every page."""

import pytest

from antrag import create_app

FOOTER = ("/barrierefreiheit", "/barrierefreiheit/barriere-melden?seite=", "/impressum")
FOOTER += ("/datenschutz",)


@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/impressum", ["Impressum", "§ 5 Digitale-Dienste-Gesetz", "§ 18 Abs. 2 MStV"]),
        (
            "/datenschutz",
            [
                "Verantwortlicher",
                "Art. 6 Abs. 1 Buchst. e DSGVO",
                "Sitzungscookie",
                "Speicherdauer",
                "Ihre Rechte",
                "Art. 15 DSGVO",
                "Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit",
            ],
        ),
        (
            "/barrierefreiheit",
            [
                "Erklärung zur Barrierefreiheit",
                "Stand der Vereinbarkeit",
                "teilweise mit der BITV RP vereinbar",
                "Nicht barrierefreie Inhalte",
                "Erstellung dieser Erklärung",
                "Feedback und Kontaktangaben",
                "Durchsetzungsverfahren",
                "durchsetzungsstelle@mastd.rlp.de",
            ],
        ),
    ],
)
def test_legal_pages_are_public_and_complete(web, url, texts):
    response = web.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in texts:
        assert text in page, text


def test_legal_pages_show_the_configured_operator(app, web):
    app.config.update(
        OPERATOR_NAME="Musterbehörde des Landes",
        OPERATOR_ADDRESS="Amtsweg 1, 55555 Musterstadt",
        OPERATOR_EMAIL="post@muster.example",
        OPERATOR_PHONE="01234 56-0",
        OPERATOR_REPRESENTATIVE="Die Leiterin der Behörde",
        CONTENT_RESPONSIBLE="Referat 42",
        PRIVACY_OFFICER_EMAIL="dsb@muster.example",
        ACCESSIBILITY_CONTACT_NAME="Team Barrierefrei",
        ACCESSIBILITY_CONTACT_EMAIL="bf@muster.example",
        ACCESSIBILITY_STATEMENT_DATE="2026-03-01",
        PRIVACY_RETENTION_DAYS=30,
    )
    imprint = web.get("/impressum").get_data(as_text=True)
    for text in ("Musterbehörde des Landes", "Amtsweg 1, 55555 Musterstadt", "01234 56-0"):
        assert text in imprint
    assert "post@muster.example" in imprint and "Die Leiterin der Behörde" in imprint
    assert "Referat 42" in imprint
    privacy = web.get("/datenschutz").get_data(as_text=True)
    assert "Musterbehörde des Landes" in privacy and "dsb@muster.example" in privacy
    assert "30 Tage nach ihrem Ende gelöscht" in privacy
    statement = web.get("/barrierefreiheit").get_data(as_text=True)
    assert "Musterbehörde des Landes" in statement
    assert "Team Barrierefrei" in statement and "bf@muster.example" in statement
    assert "am 01.03.2026 erstellt" in statement


def test_a_broken_statement_date_stops_the_app_naming_the_variable(monkeypatch):
    monkeypatch.setenv("ACCESSIBILITY_STATEMENT_DATE", "1. März")
    with pytest.raises(ValueError, match="ACCESSIBILITY_STATEMENT_DATE"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _html_pages(app, web) -> list[str]:
    """Return every argument-free page that answers this visitor with HTML."""
    pages = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or rule.arguments
            or rule.rule.startswith(("/api/", "/static"))
        ):
            continue
        response = web.get(rule.rule)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append((rule.rule, response.get_data(as_text=True)))
    return pages


@pytest.mark.parametrize("role", ["anonymous", "speyer", "reviewer", "mentor", "admin"])
def test_every_page_links_the_legal_pages_and_the_directory(app, make_web, world, role):
    web = make_web(None if role == "anonymous" else getattr(world.users, role))
    pages = _html_pages(app, web)
    assert len(pages) >= (6 if role == "anonymous" else 7), [url for url, _ in pages]
    for url, page in pages:
        for link in FOOTER:
            assert f'href="{link}' in page, (url, link)
        assert 'href="/mitglieder/"' in page, url
        assert ('href="/projekte-teilen/"' in page) == (role == "speyer"), url
    # Error pages carry them too.
    missing = web.get("/gibt-es-nicht")
    assert missing.status_code == 404
    assert 'href="/impressum"' in missing.get_data(as_text=True)
