"""Hostile and odd input: markup, template syntax, SQL, control characters, exotic scripts.

What is typed is stored literally and shown escaped on every page (the raw markup never
reaches the HTML), written as plain text into mails and as a JSON string by the API, and
rendered into the notice PDF without a crash. Characters no text column may hold (NUL) and
line breaks in one-line fields get a field-level German message with status 422.
"""

import io
from email.policy import default as default_policy

import pytest
from api_support import token_for
from form_support import project_start
from funding_support import act, final_notice, notice_of, proof_of
from pypdf import PdfReader
from sqlalchemy import select

from antrag import engine
from antrag.applications.models import Application
from antrag.applications.storage import minimal_pdf
from antrag.engine.errors import InvalidInput
from antrag.extensions import db
from antrag.funding.models import CallOff, FundingNotice
from antrag.input_text import CONTROL_MESSAGE, LINE_MESSAGE, UNICODE_MESSAGE
from antrag.mail.models import OutboxMessage
from antrag.mail.relay import build_email
from antrag.programme.models import Municipality, Programme, Round

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"
JINJA = "{{7*7}}"
SQL = "'; DROP TABLE user; --"
SQL_ESCAPED = "&#39;; DROP TABLE user; --"
TAG = "<img src=x onerror=alert(1)>"
TAG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def payload(tag: str) -> str:
    """A value with every kind of hostile text, tagged so that each field can be found."""
    return f"{tag} {SCRIPT} {IMG} {JS} {JINJA} {SQL}"


def escaped(tag: str) -> str:
    """How `payload(tag)` must appear in HTML: markup escaped, the rest literal."""
    return (
        f"{tag} &lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
        f" {JS} {JINJA} {SQL_ESCAPED}"
    )


def assert_safe(html: str, *tags: str) -> None:
    """The raw markup never appears; each tagged payload appears escaped."""
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert "src=x onerror" not in html.replace("&lt;img src=x onerror", "")
    for tag in tags:
        assert escaped(tag) in html, f"{tag} not shown escaped"


def _application_form(application, **overrides) -> dict:
    data = {
        "version": str(application.case.version),
        "contact_name": "Maria Beispiel",
        "contact_function": "Digitalisierungsbeauftragte",
        "contact_email": "maria.beispiel@speyer.de",
        "contact_phone": "06232 14-0",
        "head_of_administration": "Oberbürgermeisterin Erika Muster",
        "projects-0-project_id": str(application.projects[0].id),
        "projects-0-title": "Digitales Bürgerbüro",
        "projects-0-description": "Online-Terminvergabe.",
        "projects-0-field_of_action": "verwaltung",
        "projects-0-period_start": project_start(),
        "projects-0-period_end": "31.12.2027",
        "projects-0-estimated_cost": "67.500,00",
        "requested_amount": "60.750,00",
        "own_contribution": "6.750,00",
        "declaration_no_early_start": "y",
        "declaration_accuracy": "y",
        "declaration_privacy": "y",
        "save": "Entwurf speichern",
    }
    data.update(overrides)
    return data


def _reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# --- the application form -----------------------------------------------------------------

TEXT_FIELDS = (
    "contact_name",
    "contact_function",
    "head_of_administration",
    "projects-0-title",
    "projects-0-description",
)


def test_application_text_fields_are_stored_literally_and_shown_escaped(
    app, make_web, world, make_application
):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        _application_form(application, **{name: payload(name) for name in TEXT_FIELDS}),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = _reload(Application, application.id)
    assert stored.contact_name == payload("contact_name")  # SQL metacharacters kept literally
    assert stored.projects[0].description == payload("projects-0-description")

    for url in (f"/antraege/{application.id}", f"/antraege/{application.id}/bearbeiten"):
        html = web.get(url).get_data(as_text=True)
        assert_safe(html, *TEXT_FIELDS)

    # The reviewer's pages after submission, the queue included.
    response = web.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "submit", "version": stored.case.version},
    )
    assert response.status_code == 302
    reviewer = make_web(world.users.reviewer)
    assert_safe(reviewer.get(f"/antraege/{application.id}").get_data(as_text=True), *TEXT_FIELDS)
    assert_safe(reviewer.get("/pruefung/").get_data(as_text=True))

    # The API answers the same text as a JSON string, unchanged.
    secret = token_for(world.users.speyer)
    api = app.test_client().get(
        f"/api/v1/applications/{application.id}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 200
    assert api.mimetype.endswith("json")
    body = api.get_json()
    assert body["head_of_administration"] == payload("head_of_administration")
    assert body["projects"][0]["title"] == payload("projects-0-title")


def test_refused_values_are_shown_back_escaped(make_web, world, make_application):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    fields = ("contact_email", "contact_phone", "requested_amount", "projects-0-period_start")
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        _application_form(application, **{name: payload(name) for name in fields}),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert_safe(html, *fields)  # what was typed is kept, escaped, beside its message
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert "Bitte nur Ziffern" in html
    assert _reload(Application, application.id).contact_email == "maria.beispiel@example.org"


def test_uploaded_file_name_is_shown_escaped(make_web, world, make_application):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    # No slash (a display name drops any path) and no double quote (the test client's
    # multipart encoder does not escape it; browsers send %22).
    name = f"datei {TAG} {JINJA} {SQL}.pdf"
    form = _application_form(application)
    form["council_resolution"] = (io.BytesIO(minimal_pdf()), name)
    response = web.post(f"/antraege/{application.id}/bearbeiten", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    html = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert_safe(html)
    assert f"datei {TAG_ESCAPED} {JINJA} {SQL_ESCAPED}.pdf" in html
    stored = _reload(Application, application.id).council_resolution
    download = web.get(f"/antraege/{application.id}/anhaenge/{stored.id}")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment;")


# --- comments, call-off note, proof report, its documents ----------------------------------


def test_transition_comment_is_shown_escaped_and_mailed_as_plain_text(
    make_web, world, make_application
):
    application = make_application("in_review")
    reviewer = make_web(world.users.reviewer)
    response = reviewer.post(
        f"/antraege/{application.id}/aktion",
        {
            "trigger": "request_changes",
            "version": application.case.version,
            "comment": payload("kommentar"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    for web in (reviewer, make_web(world.users.speyer)):
        assert_safe(web.get(f"/antraege/{application.id}").get_data(as_text=True), "kommentar")
    messages = db.session.scalars(
        select(OutboxMessage).filter_by(case_id=application.case_id)
    ).all()
    mailed = [m for m in messages if payload("kommentar") in m.body]
    assert mailed, "the comment should reach the city as plain text"
    admin = make_web(world.users.admin)
    assert_safe(admin.get("/verwaltung/postausgang").get_data(as_text=True))


def test_call_off_note_proof_report_and_document_name_are_shown_escaped(
    make_web, world, make_application
):
    notice = final_notice(make_application, world)
    city = make_web(world.users.speyer)
    response = city.fill(
        f"/bescheide/{notice.id}/abrufe",
        {"amount": "1.000,00", "note": payload("notiz")},
        page=f"/bescheide/{notice.id}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    call_off = db.session.scalars(select(CallOff)).one()
    assert call_off.note == payload("notiz")

    proof = proof_of(notice)
    project = notice.application.projects[0]
    response = city.post(
        f"/bescheide/nachweise/{proof.id}",
        {
            "version": proof.case.version,
            "report": payload("bericht"),
            f"spent_{project.id}": "1.000,00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    proof = _reload(type(proof), proof.id)
    response = city.fill(
        f"/bescheide/nachweise/{proof.id}/belege",
        {
            "version": proof.case.version,
            "document": (io.BytesIO(minimal_pdf("Beleg")), f"beleg {TAG}.pdf"),
        },
        page=f"/bescheide/nachweise/{proof.id}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    reviewer = make_web(world.users.reviewer)
    for web in (city, reviewer):
        assert_safe(web.get(f"/bescheide/abrufe/{call_off.id}").get_data(as_text=True), "notiz")
        assert_safe(web.get(f"/bescheide/{notice.id}").get_data(as_text=True))
        html = web.get(f"/bescheide/nachweise/{proof.id}").get_data(as_text=True)
        assert_safe(html, "bericht")
        assert f"beleg {TAG_ESCAPED}.pdf" in html


def test_token_name_is_shown_escaped(make_web, world):
    web = make_web(world.users.speyer)
    web.get("/konto/api-tokens")
    response = web.post("/konto/api-tokens", {"name": f"{SCRIPT} {IMG} {JINJA}"})
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    html = web.get("/konto/api-tokens").get_data(as_text=True)
    assert_safe(html)
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    )


# --- the admin forms --------------------------------------------------------------------------


def test_admin_names_are_shown_escaped_everywhere(make_web, world, make_application):
    admin = make_web(world.users.admin)
    admin.get("/verwaltung/")
    posts = [
        (
            "/verwaltung/kommunen/neu",
            {
                "ags": "07111000",
                "name": payload("kommune"),
                "kind": "kreisfreie_stadt",
                "is_city": "y",
                "population": "114.052",
                "street": payload("anschrift"),
                "postal_code": "56068",
                "town": "Koblenz",
            },
        ),
        (
            "/verwaltung/programme/neu",
            {"name": payload("programm"), "description": payload("beschreibung")},
        ),
        (
            "/verwaltung/konten/neu",
            {
                "email": "neu@koblenz.de",
                "name": payload("konto"),
                "role": "reviewer",
                "municipality": "",
                "organisation": payload("organisation"),
                "password": "ein-langes-passwort-123",
                "mentor_capacity": "0",
            },
        ),
    ]
    for url, data in posts:
        response = admin.fill(url, data, follow_redirects=True)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert_safe(response.get_data(as_text=True))  # the flash message included
    programme = db.session.scalars(select(Programme).filter_by(name=payload("programm"))).one()
    koblenz = db.session.scalars(select(Municipality).filter_by(ags="07111000")).one()
    response = admin.fill(
        "/verwaltung/runden/neu",
        {
            "programme": str(programme.id),
            "name": payload("runde"),
            "opens_on": "01.01.2026",
            "closes_on": "31.12.2026",
            "budget": "100.000,00",
            "standard_amount": "60.750,00",
            "eligibility": "invited",
            "invited": [str(koblenz.id)],
        },
        follow_redirects=True,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_safe(response.get_data(as_text=True), "runde", "programm")
    pages = {
        "/verwaltung/kommunen/": ("kommune",),
        "/verwaltung/konten/": ("konto",),
        "/verwaltung/runden/": ("runde", "programm"),
        f"/verwaltung/kommunen/{koblenz.id}/bearbeiten": ("kommune", "anschrift"),
        f"/verwaltung/programme/{programme.id}/bearbeiten": ("programm", "beschreibung"),
        "/haushalt/": (),
    }
    for url, tags in pages.items():
        html = admin.get(url).get_data(as_text=True)
        assert_safe(html, *tags)


def test_round_and_city_names_reach_the_city_escaped(make_web, world, make_application):
    world.round.name = payload("runde")
    world.speyer.name = payload("stadt")
    db.session.commit()
    application = make_application("submitted")
    city = make_web(world.users.speyer)
    for url in ("/", "/antraege/", f"/antraege/{application.id}"):
        assert_safe(city.get(url, follow_redirects=True).get_data(as_text=True))
    reviewer = make_web(world.users.reviewer)
    for url in ("/pruefung/", f"/antraege/{application.id}", "/haushalt/"):
        assert_safe(reviewer.get(url).get_data(as_text=True))


# --- mail headers -----------------------------------------------------------------------------


def test_a_line_break_in_a_name_never_becomes_a_mail_header(app, world, make_application):
    """Stored some other way (CLI, import), a name with CR LF still gives one Subject line."""
    world.round.name = "Testrunde\r\nBcc: x@y.example"
    world.speyer.name = "Speyer\r\nBcc: x@y.example"
    db.session.commit()
    make_application("submitted")
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert messages
    for message in messages:
        assert "\r" not in message.subject and "\n" not in message.subject
        mail = build_email(message, app.config)
        assert mail["Bcc"] is None
        assert "x@y.example" not in mail.as_string(policy=default_policy).split("\n\n", 1)[0]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/verwaltung/runden/{round}/bearbeiten", "name"),
        ("/verwaltung/kommunen/{speyer}/bearbeiten", "name"),
        ("/verwaltung/konten/{user}/bearbeiten", "name"),
    ],
)
def test_line_breaks_in_one_line_admin_fields_are_refused(make_web, world, url, field):
    admin = make_web(world.users.admin)
    url = url.format(round=world.round.id, speyer=world.speyer.id, user=world.users.speyer.id)
    form = _current_form(admin, url)
    form[field] = "Name\r\nBcc: x@y.example"
    response = admin.post(url, form)
    assert response.status_code == 422
    assert LINE_MESSAGE in response.get_data(as_text=True)
    db.session.expire_all()
    assert "Bcc" not in (world.round.name + world.speyer.name + world.users.speyer.name)


# --- the notice PDF ---------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("typed", "expected_in_pdf"),
    [
        (payload("pdf"), payload("pdf")),
        ("Łódź 🚀 数字城市 Ærø", "Łódź ? ???? Ærø"),  # the letter font: Latin yes, CJK/emoji ?
    ],
    ids=["markup", "non-latin-1"],
)
def test_notice_pdf_with_hostile_or_exotic_text(
    make_web, world, make_application, typed, expected_in_pdf
):
    application = make_application("proposed_approval")
    application.head_of_administration = typed
    application.projects[0].title = typed
    db.session.commit()
    act(application, "approve", world.users.reviewer2)
    notice = notice_of(application)
    world.users.reviewer.can_sign = True
    db.session.commit()
    reviewer = make_web(world.users.reviewer)
    response = reviewer.post(
        f"/bescheide/{notice.id}/aktion", {"trigger": "issue", "version": notice.case.version}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _reload(FundingNotice, notice.id).case.state == "issued"
    assert_safe(reviewer.get(f"/bescheide/{notice.id}").get_data(as_text=True))
    pdf = reviewer.get(f"/bescheide/{notice.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf.data).split())
    assert expected_in_pdf in text


# --- characters no text column may hold -------------------------------------------------------

NUL = "Vor\x00nach"


@pytest.mark.parametrize(
    "field",
    [
        "contact_name",
        "contact_function",
        "contact_email",
        "contact_phone",
        "head_of_administration",
        "projects-0-title",
        "projects-0-description",
        "projects-0-period_start",
        "projects-0-estimated_cost",
        "requested_amount",
    ],
)
def test_nul_in_the_application_form_gets_a_field_message(make_web, world, make_application, field):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        _application_form(application, **({"contact_name": "Neu"} | {field: NUL})),
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert _reload(Application, application.id).contact_name == "Maria Beispiel"


def test_nul_in_a_transition_comment_is_refused(make_web, world, make_application):
    application = make_application("in_review")
    reviewer = make_web(world.users.reviewer)
    response = reviewer.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "request_changes", "version": application.case.version, "comment": NUL},
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert _reload(Application, application.id).case.state == "in_review"


def test_nul_in_call_off_note_and_proof_report(make_web, world, make_application):
    notice = final_notice(make_application, world)
    city = make_web(world.users.speyer)
    response = city.post(f"/bescheide/{notice.id}/abrufe", {"amount": "1.000,00", "note": NUL})
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalars(select(CallOff)).first() is None
    proof = proof_of(notice)
    response = city.post(
        f"/bescheide/nachweise/{proof.id}", {"version": proof.case.version, "report": NUL}
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert _reload(type(proof), proof.id).report in (None, "")


def _current_form(web, url) -> dict:
    """Return the values of the form on `url` as the browser would send them back."""
    import re
    from html import unescape

    html = web.get(url).get_data(as_text=True)
    form = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or not value or 'type="checkbox"' in tag or 'type="radio"' in tag:
            continue
        name, value = name.group(1), value.group(1)
        if name != "csrf_token":
            form[name] = unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        form[name] = unescape(value.lstrip("\n"))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option[^>]*selected[^>]*value="([^"]*)"', body) + re.findall(
            r'<option[^>]*value="([^"]*)"[^>]*selected', body
        )
        if chosen:
            form[name] = chosen if "multiple" in html.split(f'name="{name}"')[1][:40] else chosen[0]
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="checkbox"' in tag and " checked" in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag).group(1)
            if name in form and isinstance(form[name], list):
                form[name].append(value)
            elif name in form:
                form[name] = [form[name], value]
            else:
                form[name] = value
    return form


ADMIN_TEXT_FIELDS = [
    ("/verwaltung/kommunen/{speyer}/bearbeiten", "name"),
    ("/verwaltung/kommunen/{speyer}/bearbeiten", "street"),
    ("/verwaltung/kommunen/{speyer}/bearbeiten", "head_title"),
    ("/verwaltung/programme/{programme}/bearbeiten", "guideline_title"),
    ("/verwaltung/kommunen/{speyer}/bearbeiten", "ags"),
    ("/verwaltung/programme/{programme}/bearbeiten", "name"),
    ("/verwaltung/programme/{programme}/bearbeiten", "description"),
    ("/verwaltung/runden/{round}/bearbeiten", "name"),
    ("/verwaltung/runden/{round}/bearbeiten", "budget"),
    ("/verwaltung/runden/{round}/bearbeiten", "opens_on"),
    ("/verwaltung/konten/{user}/bearbeiten", "name"),
    ("/verwaltung/konten/{user}/bearbeiten", "organisation"),
    ("/verwaltung/konten/{user}/bearbeiten", "mentor_capacity"),
]


@pytest.mark.parametrize(("url", "field"), ADMIN_TEXT_FIELDS)
def test_nul_in_admin_forms_gets_a_field_message(make_web, world, url, field):
    admin = make_web(world.users.admin)
    url = url.format(
        speyer=world.speyer.id,
        programme=world.programme.id,
        round=world.round.id,
        user=world.users.speyer.id,
    )
    form = _current_form(admin, url)
    assert field in form, sorted(form)
    response = admin.post(url, form)
    assert response.status_code == 302, response.get_data(as_text=True)  # the form round-trips
    form[field] = NUL
    response = admin.post(url, form)
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


def test_nul_in_token_name_gets_a_field_message(make_web, world):
    web = make_web(world.users.speyer)
    web.get("/konto/api-tokens")
    response = web.post("/konto/api-tokens", {"name": NUL})
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


# --- over-long values and wrong types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_name", "x" * 201, "Höchstens 200 Zeichen."),
        ("projects-0-title", "x" * 201, "Höchstens 200 Zeichen."),
        ("projects-0-description", "x" * 5001, "Höchstens 5000 Zeichen."),
        ("contact_phone", "1" * 51, "Höchstens 50 Zeichen."),
        ("requested_amount", "viel Geld", "Betrag"),
        ("requested_amount", "99.999.999.999,99", "höchstens"),
        ("projects-0-estimated_cost", "-5,00", "nicht negativ"),
        ("projects-0-period_start", "morgen", "Datum"),
        ("projects-0-period_end", "31.02.2027", "gibt es nicht im Kalender"),
    ],
)
def test_application_form_names_bad_values_at_the_field(
    make_web, world, make_application, field, value, message
):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        _application_form(application, **({"contact_name": "Neu"} | {field: value})),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert _reload(Application, application.id).contact_name == "Maria Beispiel"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "abc", "note": ""}, "Betrag"),
        ({"amount": "", "note": ""}, "Bitte geben Sie einen Betrag an."),
        ({"amount": "100,00", "note": "x" * 2001}, "2000"),
    ],
)
def test_call_off_form_names_bad_values(make_web, world, make_application, data, message):
    notice = final_notice(make_application, world)
    city = make_web(world.users.speyer)
    response = city.post(f"/bescheide/{notice.id}/abrufe", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(CallOff)).first() is None


def test_engine_refuses_nul_from_every_channel(world, make_application):
    """The engine is the last line: a NUL comment is refused even without a form."""
    application = make_application("in_review")
    with pytest.raises(InvalidInput):
        engine.fire(
            application.case_id,
            "request_changes",
            world.users.reviewer,
            version=application.case.version,
            comment=NUL,
        )
    db.session.rollback()


def test_sql_metacharacters_in_round_name_are_harmless(make_web, world, make_application):
    world.round.name = SQL
    db.session.commit()
    make_application("submitted")
    reviewer = make_web(world.users.reviewer)
    html = reviewer.get(f"/pruefung/?round={world.round.id}").get_data(as_text=True)
    assert SQL_ESCAPED in html
    assert db.session.scalars(select(Round).filter_by(name=SQL)).one() is not None


@pytest.mark.parametrize(
    ("text", "multiline", "message"),
    [
        ("Łódź 🚀 数字城市", False, None),
        ("Spalte\tSpalte", False, LINE_MESSAGE),
        ("Spalte\tSpalte", True, None),
        ("Zeile\r\nBcc: x@y.example", False, LINE_MESSAGE),
        ("Zeile\u2028Zeile", False, LINE_MESSAGE),
        ("Absatz\r\nAbsatz\u2028", True, None),
        ("Vor\x00nach", True, CONTROL_MESSAGE),
        ("Vor\x00nach", False, CONTROL_MESSAGE),
        ("Klingel\x07", True, CONTROL_MESSAGE),
        ("Klingel\x07", False, LINE_MESSAGE),
        ("halbes \ud800 Zeichen", True, UNICODE_MESSAGE),
        ("Name\ufffe", False, UNICODE_MESSAGE),
    ],
)
def test_text_problem(text, multiline, message):
    from antrag.input_text import text_problem

    assert text_problem(text, multiline=multiline) == message
