"""In a real headless Chromium: a city submits its application, the ministry sees it queued.

Everything is done by label and with the keyboard (Enter on buttons, Space on checkboxes),
since no journey may need a mouse.
"""

import re

import pytest
from playwright.sync_api import expect
from second_factor_support import pass_open_sessions

from antrag.applications.storage import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]


def expect_german(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "de")


def log_in(page, server, email: str) -> None:
    page.goto(f"{server.url}/anmelden")
    expect_german(page)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(server.password)
    page.get_by_role("button", name="Anmelden").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/anmelden"))
    if pass_open_sessions(email):  # a role that must have a second factor: see the helper
        page.goto(f"{server.url}/")


def log_out(page) -> None:
    page.get_by_role("button", name="Abmelden").press("Enter")
    expect(page.get_by_label("Passwort")).to_be_visible()


def fill_in_application(page) -> None:
    form = {
        "Name der Ansprechperson": "Maria Beispiel",
        "Funktion": "Digitalisierungsbeauftragte",
        "E-Mail-Adresse": "maria.beispiel@speyer.de",
        "Telefon": "06232 14-0",
        "Verwaltungsspitze (Name)": "Oberbürgermeisterin Erika Muster",
        "Projekttitel": "Digitales Bürgerbüro",
        "Beschreibung": "Online-Terminvergabe und Antragsstrecken für das Bürgerbüro.",
        "Beginn": "01.03.2027",
        "Ende": "31.12.2027",
        "Geschätzte Kosten (EUR)": "67.500,00",
        "Beantragter Betrag (EUR)": "60.750,00",
        "Eigenanteil (EUR)": "6.750,00",
    }
    for label, value in form.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Handlungsfeld", exact=True).select_option(
        label="Verwaltung und E-Government"
    )
    page.get_by_label("Ratsbeschluss (PDF, höchstens 10 MB)").set_input_files(
        files=[
            {"name": "Ratsbeschluss.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
        ]
    )
    declarations = page.get_by_label(re.compile(r"^(Ich erkläre|Wir erklären)"))
    expect(declarations).to_have_count(3)
    for box in declarations.all():
        box.press("Space")
        expect(box).to_be_checked()


def test_city_submits_and_ministry_sees_it_in_the_queue(page, live_server, console_errors):
    log_in(page, live_server, live_server.users.speyer.email)
    page.get_by_role("button", name="Antrag anlegen").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antrag bearbeiten")
    expect_german(page)

    fill_in_application(page)
    page.get_by_role("button", name="Entwurf speichern").press("Enter")
    expect(page.get_by_role("button", name="Antrag einreichen")).to_be_visible()
    page.get_by_role("button", name="Antrag einreichen").press("Enter")

    expect(page.locator("main")).to_contain_text("Status: Eingereicht")
    log_out(page)

    log_in(page, live_server, live_server.users.reviewer.email)
    page.goto(f"{live_server.url}/pruefung/")
    expect_german(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Speyer"))
    expect(row).to_contain_text("Eingereicht")
    assert console_errors == []
