"""The steps the accessibility test takes on a page before its check (a11y_pages.py).

Most show a page's validation errors. The steps for the pages of issue 15 find fields and
buttons by id or form, not by their German names, so that their English twins run them too.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import expect

ANONYMOUS = "anonymous"
# Pages in English, in a session of their own: the choice of language sticks to the session.
ENGLISH = "anonymous-english"


def errors_shown(page) -> None:
    """The page under test shows its validation errors (a summary or a field's message)."""
    expect(page.locator(".error-summary, .error-message").first).to_be_visible()


def press(name: str) -> Callable:
    """A step: press Enter on the button `name`."""

    def step(page):
        page.get_by_role("button", name=name, exact=True).first.press("Enter")

    return step


def wrong_password(page):
    page.get_by_label("E-Mail-Adresse").fill("digital@speyer.de")
    page.get_by_label("Passwort").fill("falsches-passwort")
    press("Anmelden")(page)
    errors_shown(page)


def bad_application(page):
    page.get_by_label("E-Mail-Adresse", exact=True).fill("keine Adresse")
    page.get_by_label("Beginn", exact=True).first.fill("31.02.2027")
    page.get_by_label("Beantragter Betrag (EUR)").fill("sehr viel")
    press("Entwurf speichern")(page)
    errors_shown(page)


def without_comment(page):
    """Send the first action that needs a comment with none."""
    form = page.locator("form.action-form").filter(has=page.locator("textarea[required]"))
    form.first.get_by_role("button").press("Enter")
    errors_shown(page)


def bad_call_off(page):
    page.get_by_label("Betrag in Euro").fill("dreißig")
    press("Mittel abrufen")(page)
    errors_shown(page)


def bad_proof(page):
    page.get_by_role("textbox", name="Sachbericht", exact=True).fill("Umgesetzt.")
    page.locator("input[name^='spent_']").first.fill("-5")
    press("Speichern")(page)
    errors_shown(page)


def empty_form(button: str) -> Callable:
    """A step: send the form of `button` as it is and expect field errors."""

    def step(page):
        press(button)(page)
        errors_shown(page)

    return step


def bad_email(button: str) -> Callable:
    """A step: type a malformed address into every e-mail field, send, expect field errors."""

    def step(page):
        for field in page.locator("main input[type=email]").all():
            field.fill("keine Adresse")
        press(button)(page)
        errors_shown(page)

    return step


def register_for_meeting(page):
    page.get_by_label("Ihr Name").fill("Anna Andernach")
    page.get_by_label("Kommune", exact=True).select_option(label="Andernach")
    page.get_by_label("E-Mail-Adresse").fill("anna@andernach.de")
    press("Verbindlich anmelden")(page)
    expect(page.get_by_role("status")).to_be_visible()


def cancel_registration(page):
    press("Ja, Anmeldung zurückziehen")(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Abmeldung bestätigt")


def report_too_often(page):
    """Send two barrier reports where one is allowed (the scene's limit): the 429 page."""
    form = page.url
    for _ in range(2):
        page.goto(form)
        page.get_by_label("Beschreibung der Barriere").fill("Der Kontrast ist zu gering.")
        press("Meldung absenden")(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte warten Sie einen Moment")


def in_english(page):
    press("English")(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def stale_form(page):
    """Act on a version of the case that is no longer current: the case page answers 409
    with the conflict and the typed comment kept."""
    page.locator("input[name=version]").first.evaluate("input => { input.value = '1'; }")
    page.locator("form.action-form").first.locator("textarea").fill("Bitte ergänzen.")
    page.locator("form.action-form").first.get_by_role("button").press("Enter")
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#conflict .typed-comment")).to_have_text("Bitte ergänzen.")


@dataclass(frozen=True)
class Visit:
    """One page to check: who opens it, where (filled with the scene's ids), what to do there."""

    role: str
    path: str
    then: Callable | None = None
    status: int = 200
    lang: str = "de"


# --- the pages of issue 15, in German and in English -------------------------------------

# The scene's account with an authenticator app that signs in (axe_support, a11y_scene).
FACTOR_EMAIL = "digital@andernach.de"
WRONG_CODE = "000000"


def send(form: str) -> Callable:
    """A step: send the form `form` (a CSS selector) as it is and expect field errors."""

    def step(page):
        page.locator(form).locator("button[type=submit]").first.press("Enter")
        errors_shown(page)

    return step


def sign_in_with_a_factor(page):
    """Sign in with the password of an account that has an app: its code is asked next."""
    from .conftest import PASSWORD

    page.locator("#email").fill(FACTOR_EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page).to_have_url(re.compile(r"/anmelden/zweiter-faktor"))


def wrong_login_code(page):
    sign_in_with_a_factor(page)
    page.locator("#code").fill(WRONG_CODE)
    page.locator("#code").press("Enter")
    errors_shown(page)


def wrong_recovery_code(page):
    sign_in_with_a_factor(page)
    page.goto(page.url.split("/anmelden/")[0] + "/anmelden/zweiter-faktor/wiederherstellungscode")
    page.locator("#code").fill("abcd-efgh")
    page.locator("#code").press("Enter")
    errors_shown(page)


def wrong_enrolment_code(page):
    expect(page.locator("main img[src^='data:image']")).to_be_visible()  # the QR code
    page.locator("#code").fill(WRONG_CODE)
    page.locator("#code").press("Enter")
    errors_shown(page)


def enrol_the_app(page):
    """Confirm the app with the code it shows now: the recovery codes are shown."""
    from second_factor_support import current_code
    from sqlalchemy import select

    from antrag.accounts.models import User
    from antrag.extensions import db

    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "digital@speyer.de"))
    page.locator("#code").fill(current_code(user))
    page.locator("#code").press("Enter")
    expect(page.locator(".recovery-codes code").first).to_be_visible()


def confirm_factor_reset(page):
    page.locator("form[action$='/bestaetigen'] button[type=submit]").press("Enter")
    expect(page.locator("[role=status], .flash, .alert").first).to_be_visible()
