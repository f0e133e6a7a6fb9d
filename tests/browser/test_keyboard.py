"""A keyboard-only walk: log in, create the application, fill it in, submit it — Tab and keys.

Nothing is clicked and no field is found by a selector: the walk presses Tab until the
wanted control has the focus and types into it. At every stop the focused control must be
visible and show a focus indicator.
"""

import re

import pytest
from playwright.sync_api import expect

from antrag.applications.storage import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]

MAX_TABS = 80

# What the walk sees of the focused element; `name` is its label, else its text or value.
# A focus indicator is an outline of at least 2 CSS pixels or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const text = el.labels && el.labels.length ? el.labels[0].textContent
    : el.getAttribute("aria-label") || el.textContent.trim() || el.value || "";
  return {
    tag: el.tagName.toLowerCase(),
    name: text.replace(/\\s+/g, " ").trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    visible: el.checkVisibility({opacityProperty: true, visibilityProperty: true})
      && rect.width > 1 && rect.height > 1
      && rect.bottom > 0 && rect.top < window.innerHeight,
  };
}"""


def tab_to(page, name: str | re.Pattern) -> dict:
    """Press Tab until the control named `name` has the focus; check every stop on the way."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, f"Tab left the page after {stops}"
        stops.append(focused["name"])
        assert focused["visible"], f"focus on a hidden element: {focused}"
        assert focused["outline"] or focused["shadow"], f"no visible focus indicator: {focused}"
        if name == focused["name"] or (
            isinstance(name, re.Pattern) and name.match(focused["name"])
        ):
            return focused
    raise AssertionError(f"no control named {name!r} within {MAX_TABS} tabs: {stops}")


def type_into(page, name: str, text: str) -> None:
    """Tab to the field `name` and type `text` into it."""
    tab_to(page, name)
    page.keyboard.type(text)


def submit_with(page, name: str) -> None:
    """Tab to the button `name`, press Enter and wait until the next page has loaded."""
    tab_to(page, name)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


APPLICATION = [
    ("Name der Ansprechperson", "Maria Beispiel"),
    ("Funktion", "Digitalisierungsbeauftragte"),
    ("E-Mail-Adresse", "maria.beispiel@speyer.de"),
    ("Telefon", "06232 14-0"),
    ("Verwaltungsspitze (Name)", "Oberbürgermeisterin Erika Muster"),
    ("Projekttitel", "Digitales Bürgerbüro"),
    ("Beschreibung", "Online-Terminvergabe und Antragsstrecken für das Bürgerbüro."),
]
PROJECT_REST = [
    ("Beginn", "01.03.2027"),
    ("Ende", "31.12.2027"),
    ("Geschätzte Kosten (EUR)", "67.500,00"),
]
DECLARATION = re.compile(r"(Ich erkläre|Wir erklären)")
FINANCING = [
    ("Beantragter Betrag (EUR)", "60.750,00"),
    ("Eigenanteil (EUR)", "6.750,00"),
]


def test_applicant_logs_in_fills_in_and_submits_with_the_keyboard_only(page, live_server):
    page.goto(f"{live_server.url}/anmelden")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert tab_to(page, "Zum Inhalt springen")["tag"] == "a"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    type_into(page, "E-Mail-Adresse", live_server.users.speyer.email)
    type_into(page, "Passwort", live_server.password)
    submit_with(page, "Anmelden")
    expect(page).not_to_have_url(re.compile(r"/anmelden"))

    submit_with(page, "Antrag anlegen")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antrag bearbeiten")
    for name, text in APPLICATION:
        type_into(page, name, text)
    tab_to(page, "Handlungsfeld")
    page.keyboard.type("Verwaltung")  # a closed select picks the option typed
    expect(page.locator(":focus")).to_have_value("verwaltung")
    for name, text in PROJECT_REST + FINANCING:
        type_into(page, name, text)
    tab_to(page, "Ratsbeschluss (PDF, höchstens 10 MB)")
    page.locator(":focus").set_input_files(
        files=[
            {"name": "Ratsbeschluss.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
        ]
    )
    for _ in range(3):
        tab_to(page, DECLARATION)
        page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(3)
    submit_with(page, "Entwurf speichern")

    expect(page.get_by_role("status")).to_contain_text("Entwurf gespeichert")
    submit_with(page, "Antrag einreichen")
    expect(page.get_by_role("status")).to_contain_text("Neuer Status: Eingereicht.")
    expect(page.locator("main")).to_contain_text("Status: Eingereicht")
