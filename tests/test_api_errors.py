"""Every refusal of the API is an RFC 9457 problem+json with German messages, never a 500."""

import io
import json

import pytest
from api_support import Api, assert_problem, token_for
from funding_support import final_notice, proof_of
from sqlalchemy import select

from antrag.applications.storage import minimal_pdf
from antrag.extensions import db
from antrag.input_text import CONTROL_MESSAGE, UNICODE_MESSAGE
from antrag.mentoring.models import MentoringAssignment

HUGE = "99999999999999999999"


@pytest.fixture
def city(client, world):
    return Api(client, token_for(world.users.speyer))


@pytest.fixture
def draft(make_application):
    return make_application("draft")


def _raw(api, method, path, text, content_type="application/json"):
    return api.open(method, path, data=text, content_type=content_type)


def _version(api, path):
    return api.get(path).get_json()["version"]


# --- 400: bodies that are not a JSON object ------------------------------------------------

NOT_AN_OBJECT = {
    "malformed": ("{", "Der Inhalt der Anfrage ist kein gültiges JSON."),
    "empty": ("", "Der Inhalt der Anfrage ist kein gültiges JSON."),
    "invalid UTF-8": (b'{"round_id": "\xff"}', "Der Inhalt der Anfrage ist kein gültiges JSON."),
    "deeply nested": (
        "[" * 100_000 + "]" * 100_000,
        "Der Inhalt der Anfrage ist kein gültiges JSON.",
    ),
    "array": ("[1, 2]", "Der Inhalt der Anfrage muss ein JSON-Objekt sein."),
    "string": ('"Antrag"', "Der Inhalt der Anfrage muss ein JSON-Objekt sein."),
    "number": ("42", "Der Inhalt der Anfrage muss ein JSON-Objekt sein."),
    "null": ("null", "Der Inhalt der Anfrage ist kein gültiges JSON."),
}


@pytest.mark.parametrize("kind", NOT_AN_OBJECT)
def test_a_body_that_is_not_a_json_object_is_400(city, draft, kind):
    text, detail = NOT_AN_OBJECT[kind]
    for method, path in (("POST", "/applications"), ("PATCH", f"/applications/{draft.id}")):
        body = assert_problem(_raw(city, method, path, text), 400, "bad_request")
        assert body["detail"] == detail
        assert body["instance"] == f"/api/v1{path}"


# --- 401, 403 -------------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client, world):
    response = client.get("/api/v1/me")
    body = assert_problem(response, 401, "unauthorized")
    assert body["title"] == "Nicht angemeldet"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="antrag"'


def test_a_role_that_may_not_act_is_403(client, world):
    reviewer = Api(client, token_for(world.users.reviewer))
    body = assert_problem(reviewer.post("/applications", {"round_id": world.round.id}), 403)
    assert body["detail"] == "Nur antragstellende Kommunen können einen Antrag anlegen."
    city = Api(client, token_for(world.users.speyer))
    body = assert_problem(city.get("/mentoring-gaps"), 403, "forbidden")
    assert body["detail"] == "Offene Mentoring-Lücken sieht nur das Ministerium."


# --- 404: unknown and huge ids on every item endpoint ----------------------------------------

ITEM_ENDPOINTS = [
    ("GET", "/applications/{id}"),
    ("GET", "/applications/{id}/history"),
    ("PATCH", "/applications/{id}"),
    ("POST", "/applications/{id}/transitions"),
    ("POST", "/applications/{id}/attachments"),
    ("GET", "/applications/{id}/attachments/{id}"),
    ("GET", "/applications/{draft}/attachments/{id}"),
    ("GET", "/funding-notices/{id}"),
    ("GET", "/funding-notices/{id}/history"),
    ("GET", "/funding-notices/{id}/pdf"),
    ("POST", "/funding-notices/{id}/call-offs"),
    ("POST", "/funding-notices/{id}/transitions"),
    ("GET", "/call-offs/{id}"),
    ("GET", "/call-offs/{id}/history"),
    ("POST", "/call-offs/{id}/transitions"),
    ("GET", "/proofs-of-use/{id}"),
    ("GET", "/proofs-of-use/{id}/history"),
    ("PATCH", "/proofs-of-use/{id}"),
    ("POST", "/proofs-of-use/{id}/attachments"),
    ("GET", "/proofs-of-use/{id}/attachments/{id}"),
    ("POST", "/proofs-of-use/{id}/transitions"),
    ("GET", "/mentoring-assignments/{id}"),
    ("GET", "/mentoring-assignments/{id}/history"),
    ("POST", "/mentoring-assignments/{id}/transitions"),
    ("POST", "/mentoring-gaps/{id}/proposals"),
]


@pytest.mark.parametrize("object_id", ["999999", "2147483648", HUGE])
@pytest.mark.parametrize(("method", "path"), ITEM_ENDPOINTS, ids=lambda v: v)
def test_unknown_and_huge_ids_are_404(client, world, draft, method, path, object_id):
    user = world.users.reviewer if "gaps" in path else world.users.speyer
    api = Api(client, token_for(user))
    url = path.format(id=object_id, draft=draft.id)
    body = assert_problem(api.open(method, url, json={"version": 1}), 404, "not_found")
    assert body["detail"] == "Diese Ressource gibt es nicht, oder Sie dürfen sie nicht sehen."


def test_an_unknown_path_is_404_problem(city):
    assert_problem(city.get("/antraege"), 404, "not_found")


# --- 405 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/applications/{draft}", {"GET", "PATCH"}),
        ("PUT", "/applications", {"GET", "POST"}),
        ("GET", "/applications/{draft}/transitions", {"POST"}),
        ("POST", "/me", {"GET"}),
    ],
)
def test_a_method_the_resource_lacks_is_405_with_allow(city, draft, method, path, allowed):
    response = city.open(method, path.format(draft=draft.id))
    assert_problem(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= allowed


# --- 409 --------------------------------------------------------------------------------------


def test_a_stale_version_is_409_stale_and_changes_nothing(city, draft):
    path = f"/applications/{draft.id}"
    version = _version(city, path)
    for response in (
        city.fire(path, "withdraw", version + 1),
        city.patch(path, {"version": version + 1, "contact_name": "Neu"}),
        city.upload(f"{path}/attachments", minimal_pdf(), version + 1),
    ):
        body = assert_problem(response, 409, "stale")
        assert body["title"] == "Veraltete Version"
    after = city.get(path).get_json()
    assert (after["version"], after["state"], after["contact_name"]) == (
        version,
        "draft",
        "Maria Beispiel",
    )


def test_an_action_not_possible_in_the_state_is_409_wrong_state(city, draft):
    path = f"/applications/{draft.id}"
    body = assert_problem(city.fire(path, "resubmit", _version(city, path)), 409, "wrong_state")
    assert "„Entwurf“" in body["detail"]


def test_a_second_application_in_the_round_is_409_conflict_naming_the_first(city, world, draft):
    body = assert_problem(city.post("/applications", {"round_id": world.round.id}), 409, "conflict")
    assert body["existing"] == f"/api/v1/applications/{draft.id}"


def test_editing_a_submitted_application_is_409(city, make_application):
    submitted = make_application("submitted")
    path = f"/applications/{submitted.id}"
    body = {"version": _version(city, path), "contact_name": "Neu"}
    assert_problem(city.patch(path, body), 409, "wrong_state")


# --- 413, 415 ---------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413(app, city, draft):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = _raw(city, "POST", "/applications", b" " * too_big)
    assert_problem(response, 413, "too_large")
    # Built by hand: the test client would spool a large form into an unclosed temporary file.
    upload = (
        b'--grenze\r\nContent-Disposition: form-data; name="file"; filename="Gross.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF" + b"0" * too_big + b"\r\n--grenze--\r\n"
    )
    response = _raw(
        city,
        "POST",
        f"/applications/{draft.id}/attachments",
        upload,
        "multipart/form-data; boundary=grenze",
    )
    assert_problem(response, 413, "too_large")


JSON_ENDPOINTS = [
    ("POST", "/applications"),
    ("PATCH", "/applications/{draft}"),
    ("POST", "/applications/{draft}/transitions"),
]


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(city, draft, method, path, content_type):
    url = path.format(draft=draft.id)
    kwargs = {"data": {"round_id": "1", "version": "1"}} if content_type is None else {}
    if content_type is not None:
        kwargs = {"data": '{"version": 1}', "content_type": content_type}
    body = assert_problem(city.open(method, url, **kwargs), 415, "unsupported_media_type")
    assert body["detail"] == "Bitte senden Sie JSON mit „Content-Type: application/json“."


def test_json_to_an_upload_endpoint_is_415(city, draft):
    response = city.post(f"/applications/{draft.id}/attachments", {"version": 1})
    body = assert_problem(response, 415, "unsupported_media_type")
    assert "multipart/form-data" in body["detail"]


# --- 422: field errors with German messages ---------------------------------------------------

INTEGER = "Bitte geben Sie eine ganze Zahl an."
UNKNOWN = "Dieses Feld gibt es nicht."
AMOUNT_FORMAT = (
    "Bitte geben Sie einen Betrag mit Punkt und höchstens zwei Nachkommastellen an, "
    'zum Beispiel "60750.00".'
)

# What an application's PATCH refuses: body (besides the version) → field → German message.
PATCH_CASES = {
    "NUL in a text": ({"contact_name": "Maria\u0000"}, "contact_name", CONTROL_MESSAGE),
    "lone surrogate in a text": ({"contact_name": "\ud800"}, "contact_name", UNICODE_MESSAGE),
    "NUL in a project title": (
        {"projects": [{"title": "\u0000"}]},
        "projects[0].title",
        CONTROL_MESSAGE,
    ),
    "text as a number": ({"contact_name": 5}, "contact_name", "Bitte geben Sie einen Text an."),
    "too long": ({"contact_phone": "0" * 51}, "contact_phone", "Höchstens 50 Zeichen."),
    "amount as a number": (
        {"requested_amount": 60750},
        "requested_amount",
        'Bitte geben Sie den Betrag als Zeichenkette an, zum Beispiel "60750.00".',
    ),
    "amount with three decimals": (
        {"own_contribution": "1.005"},
        "own_contribution",
        AMOUNT_FORMAT,
    ),
    "amount in exponent notation": (
        {"own_contribution": "1E+3"},
        "own_contribution",
        AMOUNT_FORMAT,
    ),
    "amount in German notation": (
        {"own_contribution": "6.750,00"},
        "own_contribution",
        AMOUNT_FORMAT,
    ),
    "negative amount": (
        {"own_contribution": "-1.00"},
        "own_contribution",
        "Der Betrag darf nicht negativ sein.",
    ),
    "declaration as text": (
        {"declaration_privacy": "ja"},
        "declaration_privacy",
        "Bitte geben Sie true oder false an.",
    ),
    "declaration as 1": (
        {"declaration_privacy": 1},
        "declaration_privacy",
        "Bitte geben Sie true oder false an.",
    ),
    "projects as object": (
        {"projects": {"title": "x"}},
        "projects",
        "Bitte geben Sie die Projekte als Liste an.",
    ),
    "project id as text": ({"projects": [{"id": "1"}]}, "projects[0].id", INTEGER),
    "project id as bool": ({"projects": [{"id": True}]}, "projects[0].id", INTEGER),
    "impossible date": (
        {"projects": [{"period_start": "2027-02-30"}]},
        "projects[0].period_start",
        'Bitte geben Sie ein Datum im Format JJJJ-MM-TT an, zum Beispiel "2027-01-31".',
    ),
    "end before start": (
        {"projects": [{"period_start": "2027-02-01", "period_end": "2027-01-01"}]},
        "projects[0].period_end",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "unknown field": ({"colour": "rot"}, "colour", UNKNOWN),
    "unknown project field": ({"projects": [{"budget": "1"}]}, "projects[0].budget", UNKNOWN),
    "unknown field with NUL": ({"\u0000": 1}, "\u0000", UNKNOWN),
    "unknown field with surrogate": ({"\udfff": 1}, "\udfff", UNKNOWN),
}


def _send_json(api, method, path, body):
    """Send `body` as JSON text; lone surrogates and NUL travel as \\u escapes."""
    return _raw(api, method, path, json.dumps(body))


@pytest.mark.parametrize("case", PATCH_CASES)
def test_patching_an_application_refuses_bad_values_field_by_field(city, draft, case):
    fields, field, message = PATCH_CASES[case]
    path = f"/applications/{draft.id}"
    version = _version(city, path)
    response = _send_json(city, "PATCH", path, {"version": version, **fields})
    body = assert_problem(response, 422, "invalid")
    assert body["errors"] == {field: message}
    assert body["detail"] == "Bitte prüfen Sie Ihre Eingaben."
    assert _version(city, path) == version


@pytest.mark.parametrize("value", [["verwaltung"], {"a": 1}])
def test_a_field_of_action_that_is_not_text_is_422(city, draft, value):
    path = f"/applications/{draft.id}"
    body = {"version": _version(city, path), "projects": [{"field_of_action": value}]}
    problem = assert_problem(city.patch(path, body), 422, "invalid")
    assert "projects[0].field_of_action" in problem["errors"]


# What a transition refuses: body (besides trigger "withdraw" and the version) → errors.
TRANSITION_CASES = {
    "NUL in comment": ({"comment": "Kein Bedarf\u0000"}, {"comment": CONTROL_MESSAGE}),
    "lone surrogate in comment": ({"comment": "\ud800"}, {"comment": UNICODE_MESSAGE}),
    "BEL in comment": ({"comment": "Kein Bedarf\u0007"}, {"comment": CONTROL_MESSAGE}),
    "comment as number": (
        {"comment": 5},
        {"comment": "Bitte geben Sie den Kommentar als Text an."},
    ),
    "comment too long": ({"comment": "x" * 5001}, {"comment": "Höchstens 5000 Zeichen."}),
    "version as text": ({"version": "1"}, {"version": INTEGER}),
    "version as bool": ({"version": True}, {"version": INTEGER}),
    "version as float": ({"version": 1.0}, {"version": INTEGER}),
    "version too big": (
        {"version": 10**30},
        {"version": "Bitte geben Sie eine ganze Zahl von 1 bis 2147483647 an."},
    ),
    "inputs as list": (
        {"inputs": [1]},
        {"inputs": "Bitte geben Sie die Angaben als JSON-Objekt an."},
    ),
    "nested object in inputs": (
        {"inputs": {"grund": {"a": 1}}},
        {"inputs.grund": "Bitte geben Sie einen Text, eine Zahl oder null an."},
    ),
    "bool in inputs": (
        {"inputs": {"grund": True}},
        {"inputs.grund": "Bitte geben Sie einen Text, eine Zahl oder null an."},
    ),
    "NUL in inputs": ({"inputs": {"grund": "\u0000"}}, {"inputs.grund": CONTROL_MESSAGE}),
    "undeclared input": (
        {"inputs": {"grund": "x"}},
        {"inputs.grund": "Diese Angabe ist hier nicht vorgesehen."},
    ),
    "unknown field": ({"colour": "rot"}, {"colour": UNKNOWN}),
    "trigger as number": (
        {"trigger": 5},
        {"trigger": "Bitte geben Sie die Aktion (trigger) als Text an."},
    ),
    "NUL in trigger": (
        {"trigger": "with\u0000draw"},
        {"trigger": "Bitte geben Sie die Aktion (trigger) als Text an."},
    ),
}


@pytest.mark.parametrize("case", TRANSITION_CASES)
def test_a_transition_refuses_bad_values_field_by_field(city, draft, case):
    fields, errors = TRANSITION_CASES[case]
    path = f"/applications/{draft.id}"
    version = _version(city, path)
    body = {"trigger": "withdraw", "version": version, **fields}
    problem = assert_problem(_send_json(city, "POST", f"{path}/transitions", body), 422, "invalid")
    assert problem["errors"] == errors
    after = city.get(path).get_json()
    assert (after["state"], after["version"]) == ("draft", version)


def test_a_required_comment_is_named_in_errors(client, world, make_application):
    reviewer = Api(client, token_for(world.users.reviewer))
    path = f"/applications/{make_application('in_review').id}"
    response = reviewer.fire(path, "request_changes", _version(reviewer, path))
    assert set(assert_problem(response, 422, "invalid")["errors"]) == {"comment"}


def test_an_unknown_trigger_is_400(city, draft):
    path = f"/applications/{draft.id}"
    body = assert_problem(
        city.fire(path, "to_approved", _version(city, path)), 400, "unknown_action"
    )
    assert body["detail"] == "Die Aktion „to_approved“ gibt es in diesem Verfahren nicht."


def test_a_refused_guard_is_422_naming_the_guard(city, make_application):
    incomplete = make_application("draft", complete=False)
    path = f"/applications/{incomplete.id}"
    body = assert_problem(city.fire(path, "submit", _version(city, path)), 422, "guard")
    assert body["guard"] == "form_complete"


@pytest.fixture
def andernach_final(client, world, make_application):
    """Andernach's final notice with its proof of use, and Andernach's API client."""
    world.users.mentor.mentor_capacity, world.users.mentor.mentor_topics = 1, "verwaltung"
    notice = final_notice(make_application, world, world.andernach)
    return Api(client, token_for(world.users.andernach)), notice, proof_of(notice)


CALL_OFF_CASES = {
    "more than the notice": ({"amount": "60750.01"}, "amount"),
    "nothing": ({}, "amount"),
    "zero": ({"amount": "0.00"}, "amount"),
    "number": ({"amount": 100}, "amount"),
    "not a number": ({"amount": "zehn Euro"}, "amount"),
    "NUL in note": ({"amount": "1.00", "note": "\u0000"}, "note"),
    "lone surrogate in note": ({"amount": "1.00", "note": "\udc00"}, "note"),
    "unknown field": ({"amount": "1.00", "iban": "DE00"}, "iban"),
}


@pytest.mark.parametrize("case", CALL_OFF_CASES)
def test_a_call_off_refuses_bad_values(andernach_final, case):
    api, notice, _ = andernach_final
    fields, field = CALL_OFF_CASES[case]
    response = _send_json(api, "POST", f"/funding-notices/{notice.id}/call-offs", fields)
    body = assert_problem(response, 422, "invalid")
    assert list(body["errors"]) == [field]
    assert api.get(f"/funding-notices/{notice.id}").get_json()["call_off_ids"] == []


def test_a_call_off_of_more_than_is_left_names_what_is_left(andernach_final):
    api, notice, _ = andernach_final
    url = f"/funding-notices/{notice.id}/call-offs"
    assert api.post(url, {"amount": "60000.00"}).status_code == 201
    body = assert_problem(api.post(url, {"amount": "750.01"}), 422, "invalid")
    assert body["errors"] == {"amount": "Vom Bescheid sind nur noch 750,00\xa0€ übrig."}


PROOF_CASES = {
    "NUL in report": ({"report": "\u0000"}, "report"),
    "report as number": ({"report": 5}, "report"),
    "expenditure as object": ({"expenditure": {"1": "5.00"}}, "expenditure"),
    "expenditure row as text": ({"expenditure": ["5.00"]}, "expenditure[0]"),
    "foreign project": (
        {"expenditure": [{"project_id": 999999, "spent": "1.00"}]},
        "expenditure[0].project_id",
    ),
    "project id as bool": (
        {"expenditure": [{"project_id": True, "spent": "1.00"}]},
        "expenditure[0].project_id",
    ),
    "unknown field": ({"summary": "x"}, "summary"),
}


@pytest.mark.parametrize("case", PROOF_CASES)
def test_a_proof_of_use_refuses_bad_values(andernach_final, case):
    api, _, proof = andernach_final
    fields, field = PROOF_CASES[case]
    path = f"/proofs-of-use/{proof.id}"
    version = _version(api, path)
    body = assert_problem(_send_json(api, "PATCH", path, {"version": version, **fields}), 422)
    assert list(body["errors"]) == [field]
    assert _version(api, path) == version


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"version": "1"}, "file"),
        ({"file": (io.BytesIO(b"kein PDF"), "x.pdf"), "version": "1"}, "file"),
        ({"file": (io.BytesIO(minimal_pdf()), "x.pdf"), "version": "eins"}, "version"),
        ({"file": (io.BytesIO(minimal_pdf()), "x.pdf")}, "version"),
    ],
    ids=["no file", "not a PDF", "version as text", "no version"],
)
def test_an_upload_refuses_bad_parts(city, draft, data, field):
    path = f"/applications/{draft.id}/attachments"
    if "version" in data and data["version"] == "1":
        data["version"] = str(draft.case.version)
    response = city.open("POST", path, data=data, content_type="multipart/form-data")
    assert field in assert_problem(response, 422, "invalid")["errors"]


DATE_MESSAGE = "Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."


@pytest.fixture
def accepted_mentoring(client, world, make_application):
    world.users.mentor.mentor_capacity, world.users.mentor.mentor_topics = 1, "verwaltung"
    make_application("approved")
    mentor = Api(client, token_for(world.users.mentor))
    assignment = db.session.scalars(select(MentoringAssignment)).one()
    path = f"/mentoring-assignments/{assignment.id}"
    assert mentor.fire(path, "accept", _version(mentor, path)).status_code == 200
    return mentor, path


@pytest.mark.parametrize(
    ("inputs", "errors"),
    [
        (None, {"inputs.kickoff_on": "Bitte geben Sie „Auftakttermin“ an."}),
        ({"kickoff_on": "2027-02-30"}, {"inputs.kickoff_on": DATE_MESSAGE}),
        ({"kickoff_on": "15.02.2027"}, {"inputs.kickoff_on": DATE_MESSAGE}),
        ({"kickoff_on": "20270215"}, {"inputs.kickoff_on": DATE_MESSAGE}),
        ({"kickoff_on": 20270215}, {"inputs.kickoff_on": DATE_MESSAGE}),
        (
            {"kickoff_on": {"date": "2027-02-15"}},
            {"inputs.kickoff_on": "Bitte geben Sie einen Text, eine Zahl oder null an."},
        ),
    ],
    ids=["missing", "impossible date", "German date", "compact date", "number", "nested object"],
)
def test_a_kick_off_needs_its_date(accepted_mentoring, inputs, errors):
    mentor, path = accepted_mentoring
    response = mentor.fire(path, "kick_off", _version(mentor, path), inputs=inputs)
    assert assert_problem(response, 422, "invalid")["errors"] == errors
    assert mentor.get(path).get_json()["state"] == "accepted"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        (f"page={HUGE}", "page"),
        ("per_page=101", "per_page"),
        ("per_page=zehn", "per_page"),
        ("state=to_approved", "state"),
        (f"round={HUGE}", "round"),
        ("municipality=%D9%A3", "municipality"),  # an Arabic-Indic digit is no id
    ],
)
def test_bad_query_parameters_are_422(city, query, field):
    body = assert_problem(city.get(f"/applications?{query}"), 422, "invalid")
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("q", ["%00", "x" * 101])
def test_a_bad_municipality_search_is_422(city, q):
    body = assert_problem(city.get(f"/municipalities?q={q}"), 422, "invalid")
    assert body["errors"] == {"q": "Bitte geben Sie höchstens 100 gültige Zeichen an."}
