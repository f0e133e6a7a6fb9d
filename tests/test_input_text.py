"""One rule for every text that enters Antrag: the forms, the JSON API and the engine agree.

One-line text holds no control character at all; multi-line text only line breaks (LF,
CRLF) and tabs; no text holds NUL, lone surrogates, Unicode noncharacters or anything else
XML 1.0 cannot hold. Text stored before the rule is cleaned where it leaves as XLSX.
"""

import io
from datetime import timedelta

import openpyxl
import pytest
from api_support import Api, token_for
from funding_support import final_notice, paid_call_off
from meetings_support import sign_up
from sqlalchemy import select

from antrag.applications.models import Application
from antrag.db_types import utcnow
from antrag.engine.core import check_inputs
from antrag.engine.definitions import InputDef, TransitionDef
from antrag.engine.errors import InvalidInput
from antrag.extensions import db
from antrag.input_text import (
    CONTROL_MESSAGE,
    LINE_MESSAGE,
    UNICODE_MESSAGE,
    text_problem,
    xml_safe,
)
from antrag.meetings.operations import create_meeting
from antrag.reporting import tables

# Refused everywhere, one-line or not: value -> message.
NEVER = {
    "NUL": ("Vor\x00nach", CONTROL_MESSAGE),
    "U+FFFE": ("Speyer\ufffe", UNICODE_MESSAGE),
    "U+FFFF": ("Speyer\uffff", UNICODE_MESSAGE),
    "U+FDD0": ("Speyer\ufdd0", UNICODE_MESSAGE),
    "U+1FFFF": ("Speyer\U0001ffff", UNICODE_MESSAGE),
    "U+10FFFE": ("Speyer\U0010fffe", UNICODE_MESSAGE),
}
SURROGATE = {"lone surrogate": ("halbes \ud800 Zeichen", UNICODE_MESSAGE)}  # not from a browser
ONE_LINE_REFUSED = NEVER | {
    "BEL": ("Klingel\x07", LINE_MESSAGE),
    "ESC": ("Farbe\x1b[31m", LINE_MESSAGE),
    "LF": ("Zeile\nBcc: x@y.example", LINE_MESSAGE),
    "CRLF": ("Zeile\r\nZeile", LINE_MESSAGE),
    "CR": ("Zeile\rZeile", LINE_MESSAGE),
    "trailing LF": ("Maria Beispiel\n", LINE_MESSAGE),
    "TAB": ("Spalte\tSpalte", LINE_MESSAGE),
    "DEL": ("Entf\x7f", LINE_MESSAGE),
    "NEL (C1)": ("Zeile\x85Zeile", LINE_MESSAGE),
    "U+2028": ("Zeile\u2028Zeile", LINE_MESSAGE),
}
MULTI_LINE_REFUSED = NEVER | {
    "BEL": ("Klingel\x07", CONTROL_MESSAGE),
    "ESC": ("Farbe\x1b[31m", CONTROL_MESSAGE),
    "lone CR": ("Zeile\rZeile", CONTROL_MESSAGE),
    "vertical tab": ("Zeile\x0bZeile", CONTROL_MESSAGE),
    "DEL": ("Entf\x7f", CONTROL_MESSAGE),
    "NEL (C1)": ("Zeile\x85Zeile", CONTROL_MESSAGE),
}
ONE_LINE_ALLOWED = ["Łódź 🚀 数字城市", "Oberbürgermeisterin Erika Muster", "A\u00a0B"]
MULTI_LINE_ALLOWED = [*ONE_LINE_ALLOWED, "Zeile\nZeile", "Zeile\r\nZeile", "Spalte\tSpalte"]


@pytest.mark.parametrize("case", ONE_LINE_REFUSED | SURROGATE)
def test_one_line_text_refuses_every_control_character(case):
    text, message = (ONE_LINE_REFUSED | SURROGATE)[case]
    assert text_problem(text, multiline=False) == message


@pytest.mark.parametrize("case", MULTI_LINE_REFUSED | SURROGATE)
def test_multi_line_text_takes_only_line_breaks_and_tabs(case):
    text, message = (MULTI_LINE_REFUSED | SURROGATE)[case]
    assert text_problem(text, multiline=True) == message


@pytest.mark.parametrize("text", MULTI_LINE_ALLOWED)
def test_ordinary_text_passes(text):
    assert text_problem(text, multiline=True) is None
    if text in ONE_LINE_ALLOWED:
        assert text_problem(text, multiline=False) is None


def test_xml_safe_replaces_what_xml_cannot_hold():
    assert xml_safe("A\x07B\ufffeC\uffffD\ud800E\tF\nG\rH Łódź") == "A�B�C�D�E\tF\nG\rH Łódź"


# --- the three doors: the same values, the same messages --------------------------------------

WITHDRAW = TransitionDef(
    trigger="withdraw",
    label="Zurückziehen",
    sources=("draft",),
    dest="withdrawn",
    roles=("applicant",),
    inputs=(InputDef("reason", "Grund", kind="text", required=False),),
)


def _mismatches(refused: dict, answer) -> list[str]:
    """Return a line for every case whose answer is not its expected message."""
    wrong = []
    for case, (text, message) in refused.items():
        got = answer(text)
        if got != message:
            wrong.append(f"{case}: {got!r}")
    return wrong


def test_the_engine_holds_comments_and_text_inputs_to_the_rule():
    def comment(text):
        with pytest.raises(InvalidInput) as caught:
            check_inputs(WITHDRAW, text, None)
        return caught.value.errors.get("comment")

    def reason(text):
        with pytest.raises(InvalidInput) as caught:
            check_inputs(WITHDRAW, None, {"reason": text})
        return caught.value.errors.get("reason")

    assert not _mismatches(MULTI_LINE_REFUSED | SURROGATE, comment)
    assert not _mismatches(ONE_LINE_REFUSED | SURROGATE, reason)
    assert check_inputs(WITHDRAW, " Zeile\r\nZeile\t ", {"reason": "Ä ö"}) == (
        "Zeile\r\nZeile",
        {"reason": "Ä ö"},
    )


@pytest.fixture
def city(client, world):
    return Api(client, token_for(world.users.speyer))


def test_the_api_refuses_what_the_forms_refuse(city, make_application):
    draft = make_application("draft")
    path = f"/applications/{draft.id}"
    project_id = draft.projects[0].id

    def patch(body):
        version = city.get(path).get_json()["version"]
        response = city.patch(path, {"version": version, **body})
        return response.get_json().get("errors", {}) if response.status_code == 422 else {}

    def one_line(field):
        return lambda text: patch({field: text}).get(field)

    def description(text):
        body = {"projects": [{"id": project_id, "description": text}]}
        return patch(body).get("projects[0].description")

    wrong = []
    for field in ("contact_name", "contact_function", "contact_phone", "head_of_administration"):
        wrong += [f"{field} {w}" for w in _mismatches(ONE_LINE_REFUSED, one_line(field))]
    wrong += [f"description {w}" for w in _mismatches(MULTI_LINE_REFUSED, description)]
    assert not wrong, "\n".join(wrong)
    for text in MULTI_LINE_ALLOWED:
        assert patch({"projects": [{"id": project_id, "description": text}]}) == {}, text
    db.session.expire_all()
    assert db.session.get(Application, draft.id).contact_name == "Maria Beispiel"


def test_an_api_transition_comment_follows_the_rule(city, make_application):
    path = f"/applications/{make_application('draft').id}"
    version = city.get(path).get_json()["version"]

    def comment(text):
        response = city.fire(path, "withdraw", version, comment=text)
        return response.get_json().get("errors", {}).get("comment")

    assert not _mismatches(MULTI_LINE_REFUSED | SURROGATE, comment)
    assert city.get(path).get_json()["state"] == "draft"


def _application_form(application, **overrides) -> dict:
    project = application.projects[0]
    data = {
        "version": str(application.case.version),
        "contact_name": "Maria Beispiel",
        "projects-0-project_id": str(project.id),
        "projects-0-title": project.title,
        "projects-0-description": project.description,
        "projects-0-field_of_action": project.field_of_action,
        "save": "Entwurf speichern",
    }
    return data | overrides


def test_the_form_and_a_web_comment_give_the_same_messages(make_web, world, make_application):
    from markupsafe import escape

    application = make_application("draft")
    web = make_web(world.users.speyer)
    url = f"/antraege/{application.id}/bearbeiten"

    def posted(field):
        def answer(text):
            response = web.post(url, _application_form(application, **{field: text}))
            html = response.get_data(as_text=True)
            found = [
                m for m in (LINE_MESSAGE, CONTROL_MESSAGE, UNICODE_MESSAGE) if escape(m) in html
            ]
            return found[0] if response.status_code == 422 and len(found) == 1 else None

        return answer

    wrong = [f"contact_name {w}" for w in _mismatches(ONE_LINE_REFUSED, posted("contact_name"))]
    wrong += [
        f"description {w}"
        for w in _mismatches(MULTI_LINE_REFUSED, posted("projects-0-description"))
    ]
    assert not wrong, "\n".join(wrong)

    in_review = make_application("in_review", municipality=world.andernach)
    reviewer = make_web(world.users.reviewer)
    response = reviewer.post(
        f"/antraege/{in_review.id}/aktion",
        {"trigger": "request_changes", "version": in_review.case.version, "comment": "A\x07"},
    )
    assert response.status_code == 422
    assert escape(CONTROL_MESSAGE) in response.get_data(as_text=True)


# --- text stored before the rule, on its way out ----------------------------------------------

BAD = "\ufffe\uffff\x07\x1b"


def test_every_xlsx_export_opens_with_text_stored_before_the_rule(
    make_web, world, make_application
):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "1000.00", world)
    meeting = create_meeting(
        world.users.reviewer,
        title=f"Netzwerktreffen{BAD}",
        starts_at=utcnow() + timedelta(days=14),
        ends_at=utcnow() + timedelta(days=14, hours=4),
        place="Speyer",
        agenda="",
        capacity=5,
    )
    db.session.commit()
    registration, _token = sign_up(meeting, world.speyer, "anna@speyer.de")
    # As if stored by an older version: straight into the rows, past every door.
    application = db.session.scalars(select(Application)).one()
    application.contact_name = f"Maria{BAD}Beispiel"
    world.speyer.name = f"Speyer{BAD}"
    registration.name = f"Anna{BAD}"
    db.session.commit()
    web = make_web(world.users.reviewer)

    for kind in tables.EXPORTS:
        # Each export shows the city, except the meetings' counts, which show the title.
        shown = "Netzwerktreffen����" if kind == "netzwerktreffen" else "Speyer����"
        response = web.get(f"/auswertung/export/{kind}.xlsx")
        assert response.status_code == 200, kind
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert shown in texts, (kind, texts)
        assert not any(set(BAD) & set(text) for text in texts), kind
        csv_text = web.get(f"/auswertung/export/{kind}.csv").get_data().decode("utf-8-sig")
        assert shown in csv_text and not set(BAD) & set(csv_text), kind
