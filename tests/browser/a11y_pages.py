"""The pages the accessibility test checks, per role and language.

Each row of PAGES names a page: who opens it, its path (filled with the ids of the scene
that `axe_support.build_scene` and `a11y_scene.build_issue_15_scene` make), and what to do
there before the check (a11y_steps.py), such as sending bad input so that the validation
errors are shown. To check another page, add a row. The pages of issue 15 are checked in
German and, through `in_english`, in English too: a role of its own per language (the choice
of language sticks to the session), which the test switches after the login.
"""

from dataclasses import replace

from .a11y_steps import (
    ANONYMOUS,
    ENGLISH,
    Visit,
    bad_application,
    bad_call_off,
    bad_email,
    bad_proof,
    cancel_registration,
    confirm_factor_reset,
    empty_form,
    enrol_the_app,
    in_english,
    register_for_meeting,
    report_too_often,
    send,
    sign_in_with_a_factor,
    stale_form,
    without_comment,
    wrong_enrolment_code,
    wrong_login_code,
    wrong_password,
    wrong_recovery_code,
)

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

MESSAGES = "/vorgaenge/{resubmitted_case}/nachrichten"
MESSAGE_FORM = "form[enctype='multipart/form-data']"
# The pages of issue 15 (one inbox per role, conversation, revisions, search, second
# factor, amendments and reclaims), each in German and in English.
ISSUE_15 = {
    # anonymous: the landing page and the second factor at login
    "landing page": Visit(ANONYMOUS, "/"),
    "second factor at login": Visit(ANONYMOUS, "/anmelden", sign_in_with_a_factor),
    "second factor at login, wrong code": Visit(ANONYMOUS, "/anmelden", wrong_login_code),
    "recovery code at login, wrong code": Visit(ANONYMOUS, "/anmelden", wrong_recovery_code),
    # applicant
    "inbox (city), with funds to call off": Visit("speyer", "/eingang/"),
    "notifications (city), settings": Visit("speyer", "/konto/benachrichtigungen"),
    "revisions (city)": Visit("speyer", "/antraege/{resubmitted}"),
    "messages (city)": Visit("speyer", MESSAGES),
    "message form, errors (city)": Visit("speyer", MESSAGES, send(MESSAGE_FORM)),
    "proof of use with a receipt, submitted (city)": Visit(
        "speyer", "/bescheide/nachweise/{proof_in_review}"
    ),
    "reclaim in hearing (city)": Visit("speyer", "/rueckforderungen/{reclaim}"),
    "second factor (city)": Visit("speyer", "/konto/zweiter-faktor"),
    "app enrolment with QR code": Visit("speyer", "/konto/zweiter-faktor/app"),
    "app enrolment, wrong code": Visit("speyer", "/konto/zweiter-faktor/app", wrong_enrolment_code),
    # last of the city's: from here on the account has an app
    "recovery codes": Visit("speyer", "/konto/zweiter-faktor/app", enrol_the_app),
    # reviewer
    "inbox (ministry), rows to the steps": Visit("reviewer", "/eingang/"),
    "stand-ins (ministry)": Visit("reviewer", "/eingang/vertretungen"),
    "search with results": Visit("reviewer", "/suche?q=Speyer"),
    "search without results": Visit("reviewer", "/suche?q=Zeppelin"),
    "revisions and changes (ministry)": Visit("reviewer", "/antraege/{resubmitted}"),
    "messages with internal note and attachment": Visit("reviewer", MESSAGES),
    "message form, errors (ministry)": Visit("reviewer", MESSAGES, send(MESSAGE_FORM)),
    "amendment form": Visit("reviewer", "/bescheide/{notice}/aenderungen/neu"),
    "amendment form, errors": Visit(
        "reviewer", "/bescheide/{notice}/aenderungen/neu", send("main form")
    ),
    "amendment draft": Visit("reviewer", "/bescheide/aenderungen/{amendment}"),
    "proof review with a receipt": Visit(
        "reviewer", "/bescheide/nachweise/{proof_in_review}/pruefung"
    ),
    "reclaim in hearing (ministry)": Visit("reviewer", "/rueckforderungen/{reclaim}"),
    "reclaim form": Visit("reviewer", "/rueckforderungen/bescheide/{reclaim_notice}/neu"),
    "reclaim form, errors": Visit(
        "reviewer", "/rueckforderungen/bescheide/{reclaim_notice}/neu", send("main form")
    ),
    "payment orders": Visit("reviewer", "/zahlungen/"),
    "notifications (ministry)": Visit("reviewer", "/konto/benachrichtigungen"),
    "second factor (ministry)": Visit("reviewer", "/konto/zweiter-faktor"),
    # admin
    "outbox message": Visit("admin", "/verwaltung/postausgang/{outbox_message}"),
    "factor reset request, errors": Visit(
        "admin", "/verwaltung/konten/{factor_user}/zweiter-faktor", send("main form.form")
    ),
    "factor reset to confirm": Visit("admin", "/verwaltung/konten/{reset_user}/zweiter-faktor"),
    "factor reset confirmed": Visit(
        "admin", "/verwaltung/konten/{reset_user}/zweiter-faktor", confirm_factor_reset
    ),
    "audit record": Visit("admin", "/verwaltung/protokoll"),
}
# The English twin of each role: its own session, switched to English after the login (the
# anonymous one by its first page, "login in English").
ENGLISH_ROLES = {
    ANONYMOUS: ENGLISH,
    "speyer": "speyer-english",
    "reviewer": "reviewer-english",
    "admin": "admin-english",
}
# Who logs in for a role (None: nobody).
ACCOUNTS = {ANONYMOUS: None, ENGLISH: None} | {
    english: role for role, english in ENGLISH_ROLES.items() if role != ANONYMOUS
}


def in_english_too(pages: dict) -> dict:
    """Return the pages and, for each, its English twin (the same steps, lang="en")."""
    twins = {
        f"{name} in English": replace(visit, role=ENGLISH_ROLES[visit.role], lang="en")
        for name, visit in pages.items()
    }
    return pages | twins


PAGES |= in_english_too(ISSUE_15)
# The roles that open pages of issue 15 (their scene has its content), and the visitors.
ISSUE_15_ROLES = {visit.role for visit in in_english_too(ISSUE_15).values()}
VISITORS = {ANONYMOUS, ENGLISH}
ROLES = list(dict.fromkeys(visit.role for visit in PAGES.values()))
# A desktop window, and 320 CSS pixels: a 1280 pixel window zoomed to 400 % (WCAG 1.4.10).
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "narrow": {"width": 320, "height": 640}}
