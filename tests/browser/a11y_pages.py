"""The pages the accessibility test checks, per role, and the steps that show their errors.

Each row of PAGES names a page: who opens it, its path (filled with the ids of the scene
that `axe_support.build_scene` makes), and what to do there before the check, such as
sending bad input so that the validation errors are shown. To check another page, add a row.
"""

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


PAGES = {
    # anonymous
    "login": Visit(ANONYMOUS, "/anmelden"),
    "login, wrong password": Visit(ANONYMOUS, "/anmelden", wrong_password),
    "500 page": Visit(ANONYMOUS, "/_a11y/500", status=500),
    "503 page": Visit(ANONYMOUS, "/_a11y/503", status=503),
    # anonymous: the network's public pages
    "member directory": Visit(ANONYMOUS, "/mitglieder/"),
    "member directory, filtered": Visit(ANONYMOUS, "/mitglieder/?field_of_action=verwaltung"),
    "member directory, bad filter": Visit(ANONYMOUS, "/mitglieder/?field_of_action=keins"),
    "member": Visit(ANONYMOUS, "/mitglieder/{ags}"),
    "meetings": Visit(ANONYMOUS, "/netzwerktreffen/"),
    "meeting": Visit(ANONYMOUS, "/netzwerktreffen/{meeting}"),
    "meeting registration, errors": Visit(
        ANONYMOUS, "/netzwerktreffen/{meeting}", bad_email("Verbindlich anmelden")
    ),
    "meeting registration": Visit(ANONYMOUS, "/netzwerktreffen/{meeting}", register_for_meeting),
    "past meeting": Visit(ANONYMOUS, "/netzwerktreffen/{past_meeting}"),
    "cancel registration": Visit(ANONYMOUS, "/netzwerktreffen/abmelden/{cancel_token}"),
    "cancel link, invalid": Visit(ANONYMOUS, "/netzwerktreffen/abmelden/ungueltig", status=404),
    "registration cancelled": Visit(
        ANONYMOUS, "/netzwerktreffen/abmelden/{cancel_token}", cancel_registration
    ),
    "accessibility statement": Visit(ANONYMOUS, "/barrierefreiheit"),
    "barrier report": Visit(ANONYMOUS, "/barrierefreiheit/barriere-melden"),
    "barrier report, errors": Visit(
        ANONYMOUS, "/barrierefreiheit/barriere-melden", bad_email("Meldung absenden")
    ),
    "barrier report, too often": Visit(
        ANONYMOUS, "/barrierefreiheit/barriere-melden", report_too_often
    ),
    "imprint": Visit(ANONYMOUS, "/impressum"),
    "privacy": Visit(ANONYMOUS, "/datenschutz"),
    "invitation": Visit(ANONYMOUS, "/konto/einladung/{invitation}"),
    "invitation, invalid": Visit(ANONYMOUS, "/konto/einladung/ungueltig", status=404),
    "invitation, errors": Visit(
        ANONYMOUS, "/konto/einladung/{invitation}", empty_form("Passwort festlegen")
    ),
    # anonymous, in English
    "login in English": Visit(ENGLISH, "/anmelden", in_english, lang="en"),
    "member directory in English": Visit(ENGLISH, "/mitglieder/", lang="en"),
    # applicant
    "applications": Visit("speyer", "/antraege/"),
    "draft": Visit("speyer", "/antraege/{draft}"),
    "application form": Visit("speyer", "/antraege/{draft}/bearbeiten"),
    "application form, errors": Visit("speyer", "/antraege/{draft}/bearbeiten", bad_application),
    "approved application": Visit("speyer", "/antraege/{approved}"),
    "notices (city)": Visit("speyer", "/bescheide/"),
    "notice (city)": Visit("speyer", "/bescheide/{notice}"),
    "consent to electronic service (city)": Visit("speyer", "/bescheide/einwilligung"),
    "notice, call-off errors": Visit("speyer", "/bescheide/{notice}", bad_call_off),
    "call-off (city)": Visit("speyer", "/bescheide/abrufe/{call_off}"),
    "proof of use (city)": Visit("speyer", "/bescheide/nachweise/{proof}"),
    "proof of use, errors": Visit("speyer", "/bescheide/nachweise/{proof}", bad_proof),
    "API tokens": Visit("speyer", "/konto/api-tokens"),
    "API tokens, errors": Visit("speyer", "/konto/api-tokens", empty_form("Token erstellen")),
    "Security keys": Visit("speyer", "/konto/sicherheitsschluessel"),
    "API docs": Visit("speyer", "/api/v1/docs"),
    "sharing": Visit("speyer", "/projekte-teilen/"),
    "share a project, errors": Visit(
        "speyer", "/projekte-teilen/{project}", bad_email("Speichern")
    ),
    "404 page": Visit("speyer", "/antraege/999999", status=404),
    "access requests (city)": Visit("speyer", "/zugangsanfragen/"),
    "access request (city)": Visit("speyer", "/zugangsanfragen/{access_request}"),
    "403 page": Visit("speyer", "/verwaltung/", status=403),
    "inbox (city)": Visit("speyer", "/eingang/"),
    "notifications (city)": Visit("speyer", "/konto/benachrichtigungen"),
    # reviewer
    "review queue": Visit("reviewer", "/pruefung/"),
    "inbox (ministry)": Visit("reviewer", "/eingang/"),
    "inbox, filtered (ministry)": Visit("reviewer", "/eingang/?scope=unclaimed&overdue=y"),
    "stand-ins": Visit("reviewer", "/eingang/vertretungen"),
    "stand-ins, errors": Visit(
        "reviewer", "/eingang/vertretungen", empty_form("Vertretung speichern")
    ),
    "case with actions": Visit("reviewer", "/antraege/{in_review}"),
    "case, comment missing": Visit("reviewer", "/antraege/{in_review}", without_comment),
    "409 page": Visit("reviewer", "/antraege/{in_review}", stale_form),
    "own proposal (no co-signing)": Visit("reviewer", "/antraege/{proposed}"),
    "budget": Visit("reviewer", "/haushalt/"),
    "budget entries": Visit("reviewer", "/haushalt/runden/{round}"),
    "mentoring overview": Visit("reviewer", "/mentoring/ministerium"),
    "notices (ministry)": Visit("reviewer", "/bescheide/"),
    "notice (ministry)": Visit("reviewer", "/bescheide/{notice}"),
    "rejection notice draft (ministry)": Visit("reviewer", "/bescheide/ablehnungen/{rejection}"),
    "call-off (ministry)": Visit("reviewer", "/bescheide/abrufe/{call_off}"),
    "proof of use (ministry)": Visit("reviewer", "/bescheide/nachweise/{proof}"),
    "reporting dashboard": Visit("reviewer", "/auswertung/"),
    "meetings (ministry)": Visit("reviewer", "/netzwerktreffen/verwaltung/"),
    "meeting registrations": Visit("reviewer", "/netzwerktreffen/verwaltung/{meeting}"),
    "meeting form, errors": Visit(
        "reviewer", "/netzwerktreffen/verwaltung/neu", empty_form("Speichern")
    ),
    "meeting edit": Visit("reviewer", "/netzwerktreffen/verwaltung/{meeting}/bearbeiten"),
    "leads": Visit("reviewer", "/netzwerktreffen/verwaltung/interessenten"),
    "access request, risk not stated": Visit(
        "reviewer", "/zugangsanfragen/{access_request}", empty_form("Zugang bestätigen")
    ),
    # mentor
    "mentor dashboard": Visit("mentor", "/mentoring"),
    "inbox (mentor)": Visit("mentor", "/eingang/"),
    "assignment": Visit("mentor", "/mentoring/zuordnungen/{assignment}"),
    "assignment, reason missing": Visit(
        "mentor", "/mentoring/zuordnungen/{assignment}", without_comment
    ),
    "mentored application": Visit("mentor", "/antraege/{approved}"),
    # admin
    "administration": Visit("admin", "/verwaltung/"),
    "users": Visit("admin", "/verwaltung/konten/"),
    "user form, errors": Visit("admin", "/verwaltung/konten/neu", empty_form("Konto anlegen")),
    "user edit": Visit("admin", "/verwaltung/konten/{speyer_user}/bearbeiten"),
    "municipalities": Visit("admin", "/verwaltung/kommunen/"),
    "municipality form, errors": Visit(
        "admin", "/verwaltung/kommunen/neu", empty_form("Kommune anlegen")
    ),
    "rounds": Visit("admin", "/verwaltung/runden/"),
    "round form, errors": Visit("admin", "/verwaltung/runden/neu", empty_form("Runde anlegen")),
    "round edit": Visit("admin", "/verwaltung/runden/{round}/bearbeiten"),
    "programme edit": Visit("admin", "/verwaltung/programme/{programme}/bearbeiten"),
    "outbox": Visit("admin", "/verwaltung/postausgang"),
    "barrier reports": Visit("admin", "/verwaltung/barrieremeldungen"),
    # an account from a lead, not yet confirmed
    "waiting for confirmation": Visit("pending", "/konto/bestaetigung"),
}
ROLES = list(dict.fromkeys(visit.role for visit in PAGES.values()))
# A desktop window, and 320 CSS pixels: a 1280 pixel window zoomed to 400 % (WCAG 1.4.10).
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "narrow": {"width": 320, "height": 640}}
