"""Who may do what through the API: role × endpoint × own/other → expected status, as tables.

Each row is one test; within it every role is asked, and the failure shows the statuses of
all roles side by side. Writes ask the refused roles first and the one allowed role last,
and check that no refusal changed any case.
"""

import base64

import pytest
from api_support import PROBLEM, Api, assert_problem, token_for
from conftest import PASSWORD, WebClient, extra_round
from funding_support import act, notice_of, proof_of
from sqlalchemy import select

from antrag.accounts.operations import create_user
from antrag.amendments.operations import draft_amendment
from antrag.api.resources import RESOURCES
from antrag.applications.storage import minimal_pdf
from antrag.engine.models import Case
from antrag.extensions import db
from antrag.funding.operations import attach_to_proof, request_call_off
from antrag.mentoring.models import MentoringAssignment, MentoringGap
from antrag.notices.rejection_rules import rejection_notice_of

ROLES = ("anonymous", "own_city", "other_city", "reviewer", "mentor", "other_mentor", "admin")
UPLOAD = "upload"  # the body of a row that sends a PDF as multipart


def _users(world, objects):
    u = world.users
    return {
        "anonymous": None,
        "own_city": u.speyer,
        "other_city": u.andernach,
        "reviewer": u.reviewer,
        "mentor": u.mentor,
        "other_mentor": objects["other_mentor_user"],
        "admin": u.admin,
    }


@pytest.fixture
def objects(app, snapshots, world, make_application):
    """Speyer: approved earlier (final notice, call-off, proof with a document, a proposed
    mentor), submitted and draft now; Andernach: approved earlier with no mentor left (gap).

    Built once per test process and copied for each test (tests/snapshots.py).
    """
    return snapshots.reuse(
        app, "api_authorization.objects", lambda: _objects(world, make_application), _ids, _load
    )


def _ids(objects):
    return objects | {"other_mentor_user": objects["other_mentor_user"].id}


def _load(ids):
    from antrag.accounts.models import User

    return ids | {"other_mentor_user": db.session.get(User, ids["other_mentor_user"])}


def _objects(world, make_application):
    from antrag.programme.models import Round

    u = world.users
    earlier = Round(
        programme=world.programme,
        name="Frühere Runde",
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=world.round.budget,
        standard_amount=world.round.standard_amount,
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        invited=[world.speyer, world.andernach],
    )
    db.session.add(earlier)
    u.mentor.mentor_capacity, u.mentor.mentor_topics = 1, "verwaltung"
    u.reviewer.can_sign = True
    other_mentor = create_user(
        email="zweiter.mentor@kl.digital",
        name="Zweiter Mentor",
        role="mentor",
        password=PASSWORD,
        organisation="KL.digital GmbH",
    )
    db.session.commit()
    approved = make_application("approved", round_=earlier)
    other_approved = make_application("approved", municipality=world.andernach, round_=earlier)
    submitted = make_application("submitted")
    rejected = make_application("rejected", municipality=world.andernach)
    draft = make_application("draft", round_=extra_round(world, "Spätere Runde"))
    notice = notice_of(approved)
    act(notice, "issue", u.reviewer)
    act(notice, "waive_appeal", u.speyer)
    call_off = request_call_off(u.speyer, notice, notice.amount / 4, None)
    proof = proof_of(notice)
    document = attach_to_proof(u.speyer, proof, proof.case.version, minimal_pdf("Beleg"), "B.pdf")
    other_mentor.mentor_capacity = 2  # only now, so that Andernach's approval left a gap
    db.session.commit()
    assignment = db.session.scalars(select(MentoringAssignment)).one()
    gap = db.session.scalars(select(MentoringGap)).one()
    assert (assignment.application_id, gap.application_id) == (approved.id, other_approved.id)
    amendment = draft_amendment(
        u.reviewer,
        notice,
        new_amount=None,
        new_period_end=None,
        condition="Halbjährlicher Bericht.",
        reasons="Für die Prüfung.",
    )
    db.session.commit()
    return {
        "amendment": amendment.id,
        "v_amendment": amendment.case.version,
        "round": world.round.id,
        "approved": approved.id,
        "approved_attachment": approved.council_resolution.id,
        "other_approved": other_approved.id,
        "submitted": submitted.id,
        "submitted_attachment": submitted.council_resolution.id,
        "draft": draft.id,
        "draft_attachment": draft.council_resolution.id,
        "notice": notice.id,
        "other_notice": notice_of(other_approved).id,
        "rejection": rejection_notice_of(rejected).id,
        "v_rejection": rejection_notice_of(rejected).case.version,
        "call_off": call_off.id,
        "proof": proof.id,
        "proof_attachment": document.id,
        "assignment": assignment.id,
        "gap": gap.id,
        "other_mentor": other_mentor.id,
        "other_mentor_user": other_mentor,
        "v_approved": approved.case.version,
        "v_submitted": submitted.case.version,
        "v_draft": draft.case.version,
        "v_notice": notice.case.version,
        "v_other_notice": notice_of(other_approved).case.version,
        "v_call_off": call_off.case.version,
        "v_proof": proof.case.version,
        "v_assignment": assignment.case.version,
    }


def _secrets(world, objects):
    return {
        role: token_for(user) if user is not None else None
        for role, user in _users(world, objects).items()
    }


# fmt: off
#        path                                                     anon own  other rev  ment m-oth adm
GET_TABLE = [
    ("/me",                                                      (401, 200, 200, 200, 200, 200, 200)),
    ("/rounds",                                                  (401, 200, 200, 200, 200, 200, 200)),
    ("/municipalities?q=Sp",                                     (401, 200, 200, 200, 200, 200, 200)),
    ("/workflows",                                               (401, 200, 200, 200, 200, 200, 200)),
    ("/applications",                                            (401, 200, 200, 200, 200, 200, 403)),
    ("/applications/{approved}",                                 (401, 200, 404, 200, 200, 404, 403)),
    ("/applications/{approved}/history",                         (401, 200, 404, 200, 200, 404, 403)),
    ("/applications/{approved}/attachments/{approved_attachment}", (401, 200, 404, 200, 200, 404, 403)),
    ("/applications/{other_approved}",                           (401, 404, 200, 200, 404, 404, 403)),
    ("/applications/{submitted}",                                (401, 200, 404, 200, 404, 404, 403)),
    ("/applications/{submitted}/history",                        (401, 200, 404, 200, 404, 404, 403)),
    ("/applications/{submitted}/attachments/{submitted_attachment}", (401, 200, 404, 200, 404, 404, 403)),
    ("/applications/{submitted}/attachments/{draft_attachment}", (401, 404, 404, 404, 404, 404, 403)),
    ("/applications/{approved}/revisions/1/receipt",             (401, 200, 404, 200, 200, 404, 403)),
    ("/applications/{submitted}/revisions/1/receipt",            (401, 200, 404, 200, 404, 404, 403)),
    ("/applications/{submitted}/revisions/2/receipt",            (401, 404, 404, 404, 404, 404, 403)),
    ("/applications/{draft}/revisions/1/receipt",                (401, 404, 404, 404, 404, 404, 403)),
    ("/applications/{draft}",                                    (401, 200, 404, 404, 404, 404, 403)),
    ("/applications/{draft}/history",                            (401, 200, 404, 404, 404, 404, 403)),
    ("/applications/{draft}/attachments/{draft_attachment}",     (401, 200, 404, 404, 404, 404, 403)),
    ("/applications/999999",                                     (401, 404, 404, 404, 404, 404, 403)),
    ("/funding-notices",                                         (401, 200, 200, 200, 200, 200, 403)),
    ("/funding-notices/{notice}",                                (401, 200, 404, 200, 404, 404, 403)),
    ("/funding-notices/{notice}/history",                        (401, 200, 404, 200, 404, 404, 403)),
    ("/funding-notices/{notice}/pdf",                            (401, 200, 404, 200, 404, 404, 403)),
    ("/funding-notices/{other_notice}",                          (401, 404, 404, 200, 404, 404, 403)),
    ("/funding-notices/{other_notice}/pdf",                      (401, 404, 404, 404, 404, 404, 403)),
    ("/rejection-notices",                                       (401, 200, 200, 200, 200, 200, 403)),
    ("/rejection-notices/{rejection}",                           (401, 404, 404, 200, 404, 404, 403)),
    ("/rejection-notices/{rejection}/history",                   (401, 404, 404, 200, 404, 404, 403)),
    ("/rejection-notices/{rejection}/pdf",                       (401, 404, 404, 404, 404, 404, 403)),
    ("/amendment-notices",                                       (401, 200, 200, 200, 200, 200, 403)),
    ("/amendment-notices/{amendment}",                           (401, 404, 404, 200, 404, 404, 403)),
    ("/amendment-notices/{amendment}/history",                   (401, 404, 404, 200, 404, 404, 403)),
    ("/amendment-notices/{amendment}/pdf",                       (401, 404, 404, 404, 404, 404, 403)),
    ("/call-offs",                                               (401, 200, 200, 200, 200, 200, 403)),
    ("/call-offs/{call_off}",                                    (401, 200, 404, 200, 404, 404, 403)),
    ("/call-offs/{call_off}/history",                            (401, 200, 404, 200, 404, 404, 403)),
    ("/proofs-of-use",                                           (401, 200, 200, 200, 200, 200, 403)),
    ("/proofs-of-use/{proof}",                                   (401, 200, 404, 200, 404, 404, 403)),
    ("/proofs-of-use/{proof}/history",                           (401, 200, 404, 200, 404, 404, 403)),
    ("/proofs-of-use/{proof}/attachments/{proof_attachment}",    (401, 200, 404, 200, 404, 404, 403)),
    ("/mentoring-assignments",                                   (401, 200, 200, 200, 200, 200, 403)),
    # A proposal the mentor has not answered: not yet the city's (once accepted it is, see
    # test_a_city_reads_its_mentoring_once_the_mentor_accepted). Admins see no case (403).
    ("/mentoring-assignments/{assignment}",                      (401, 404, 404, 200, 200, 404, 403)),
    ("/mentoring-assignments/{assignment}/history",              (401, 404, 404, 200, 200, 404, 403)),
    ("/mentoring-gaps",                                          (401, 403, 403, 200, 403, 403, 403)),
]


def _transition(trigger, version):
    """Return the body of firing `trigger` with the version stored under `version`."""

    def body(o):
        return {"trigger": trigger, "version": o[version]}

    body.trigger = trigger
    return body


#        method, path, body                                                           anon own  other rev  ment m-oth adm
WRITE_TABLE = [
    # Both cities are members (approved earlier): neither applies again (409).
    ("POST", "/applications", lambda o: {"round_id": o["round"]},                    (401, 409, 409, 403, 403, 403, 403)),
    ("PATCH", "/applications/{draft}",
     lambda o: {"version": o["v_draft"], "contact_name": "Eingeschleust"},          (401, 200, 404, 404, 404, 404, 403)),
    ("PATCH", "/applications/{submitted}",
     lambda o: {"version": o["v_submitted"], "contact_name": "Eingeschleust"},      (401, 409, 404, 403, 404, 404, 403)),
    ("POST", "/applications/{draft}/attachments", UPLOAD,                            (401, 201, 404, 404, 404, 404, 403)),
    ("POST", "/applications/{submitted}/attachments", UPLOAD,                        (401, 409, 404, 403, 404, 404, 403)),
    ("POST", "/applications/{submitted}/transitions",
     _transition("start_review", "v_submitted"),                                    (401, 403, 404, 200, 404, 404, 403)),
    ("POST", "/applications/{draft}/transitions", _transition("withdraw", "v_draft"), (401, 200, 404, 404, 404, 404, 403)),
    ("POST", "/applications/{approved}/transitions",
     _transition("withdraw", "v_approved"),                                         (401, 409, 404, 409, 409, 404, 403)),
    ("POST", "/funding-notices/{notice}/call-offs", lambda o: {"amount": "1000.00"}, (401, 201, 404, 403, 404, 404, 403)),
    ("POST", "/funding-notices/{notice}/transitions", _transition("close", "v_notice"), (401, 403, 404, 403, 404, 404, 403)),
    ("POST", "/funding-notices/{other_notice}/transitions",
     _transition("issue", "v_other_notice"),                                        (401, 404, 404, 200, 404, 404, 403)),
    ("POST", "/rejection-notices/{rejection}/transitions",
     _transition("issue", "v_rejection"),                                           (401, 404, 404, 200, 404, 404, 403)),
    ("POST", "/amendment-notices/{amendment}/transitions",
     _transition("propose", "v_amendment"),                                         (401, 404, 404, 200, 404, 404, 403)),
    ("POST", "/call-offs/{call_off}/transitions", _transition("check", "v_call_off"), (401, 403, 404, 200, 404, 404, 403)),
    ("POST", "/call-offs/{call_off}/transitions",
     _transition("withdraw", "v_call_off"),                                         (401, 200, 404, 403, 404, 404, 403)),
    ("PATCH", "/proofs-of-use/{proof}",
     lambda o: {"version": o["v_proof"], "report": "Bericht"},                      (401, 200, 404, 403, 404, 404, 403)),
    ("POST", "/proofs-of-use/{proof}/attachments", UPLOAD,                           (401, 201, 404, 403, 404, 404, 403)),
    ("POST", "/proofs-of-use/{proof}/transitions", _transition("submit", "v_proof"), (401, 422, 404, 403, 404, 404, 403)),
    ("POST", "/mentoring-assignments/{assignment}/transitions",
     _transition("accept", "v_assignment"),                                         (401, 404, 404, 403, 200, 404, 403)),
    ("POST", "/mentoring-assignments/{assignment}/transitions",
     _transition("decline", "v_assignment"),                                        (401, 404, 404, 403, 422, 404, 403)),
    ("POST", "/mentoring-gaps/{gap}/proposals",
     lambda o: {"mentor_id": o["other_mentor"]},                                    (401, 403, 403, 201, 403, 403, 403)),
]
# fmt: on


def _write_id(method, path, body):
    return f"{method} {path} {getattr(body, 'trigger', '')}".strip()


def _versions():
    db.session.expire_all()
    return dict(db.session.execute(select(Case.id, Case.version)).all())


def _send(api, method, path, body, objects):
    url = path.format(**objects)
    if body == UPLOAD:
        version = objects[_upload_version(path)]
        return api.upload(url, minimal_pdf("Beleg"), version, "Beleg.pdf")
    return api.open(method, url, json=body(objects) if body else None)


def _upload_version(path):
    if path.startswith("/proofs-of-use"):
        return "v_proof"
    return "v_draft" if "{draft}" in path else "v_submitted"


@pytest.mark.parametrize(
    ("path", "expected"), [pytest.param(p, e, id=f"GET {p}") for p, e in GET_TABLE]
)
def test_get(client, world, objects, path, expected):
    secrets = _secrets(world, objects)
    got = {}
    for role in ROLES:
        response = Api(client, secrets[role]).get(path.format(**objects))
        got[role] = response.status_code
        if response.status_code >= 400:
            assert_problem(response, response.status_code)
    assert got == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [pytest.param(m, p, b, e, id=_write_id(m, p, b)) for m, p, b, e in WRITE_TABLE],
)
def test_write(client, world, objects, method, path, body, expected):
    allowed = [role for role, status in zip(ROLES, expected, strict=True) if status < 300]
    assert len(allowed) <= 1, "a row may allow one role at most: it goes last"
    secrets = _secrets(world, objects)
    got = {}
    for role in sorted(ROLES, key=lambda r: r in allowed):
        before = _versions()
        api = Api(client, secrets[role])
        if role == "reviewer":  # signing needs the app's code (test_second_factor_step_up)
            api.with_second_factor(world.users.reviewer)
        response = _send(api, method, path, body, objects)
        got[role] = response.status_code
        if response.status_code >= 400:
            assert_problem(response, response.status_code)
            assert _versions() == before, f"the refusal of {role} changed a case"
    assert got == dict(zip(ROLES, expected, strict=True))


def _rows():
    for path, _ in GET_TABLE:
        yield "GET", path
    for method, path, _, _ in WRITE_TABLE:
        yield method, path


def test_every_api_endpoint_is_in_a_table(app):
    adapter = app.url_map.bind("antrag.test")
    ids = dict.fromkeys(
        ("approved", "other_approved", "submitted", "draft", "notice", "other_notice"), 1
    ) | dict.fromkeys(("call_off", "proof", "assignment", "gap", "rejection", "amendment"), 1)
    ids |= dict.fromkeys(
        ("approved_attachment", "submitted_attachment", "draft_attachment", "proof_attachment"), 1
    )
    covered = set()
    for method, path in _rows():
        endpoint, _ = adapter.match("/api/v1" + path.format(**ids).split("?")[0], method=method)
        covered.add(endpoint)
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi", "api.docs")
    }
    assert routes - covered == set()


def assert_lists_agree_with_can_view(client, users: dict, resource):
    """Check that each user's list holds exactly the objects `can_view` allows them."""
    everything = db.session.scalars(select(resource.model)).all()
    assert everything, "the world has at least one object of each resource"
    for role, user in users.items():
        body = Api(client, token_for(user)).get(f"/{resource.path}?per_page=100").get_json()
        listed = [item["id"] for item in body["items"]]
        visible = {obj.id for obj in everything if obj.can_view(user)}
        assert (role, sorted(listed)) == (role, sorted(visible))
        assert body["total"] == len(visible)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.path)
def test_lists_show_exactly_what_can_view_allows(client, world, objects, resource):
    users = _users(world, objects)
    assert not any(
        obj.can_view(users["admin"]) for obj in db.session.scalars(select(resource.model))
    )
    assert_lists_agree_with_can_view(
        client, {role: users[role] for role in ROLES[1:] if role != "admin"}, resource
    )


def test_a_city_reads_its_mentoring_once_the_mentor_accepted(client, world, objects):
    """A proposal is internal; once accepted, the city's list and detail show it."""
    users = _users(world, objects)
    resource = next(r for r in RESOURCES if r.path == "mentoring-assignments")
    path = f"/mentoring-assignments/{objects['assignment']}"
    city, other = (
        Api(client, token_for(users["own_city"])),
        Api(client, token_for(users["other_city"])),
    )
    assert city.get(path).status_code == 404
    mentor = Api(client, token_for(users["mentor"]))
    assert mentor.fire(path, "accept", objects["v_assignment"]).status_code == 200
    body = city.get(path).get_json()
    assert (body["state"], body["actions"]) == ("accepted", [])
    assert city.get(f"{path}/history").status_code == 200
    assert other.get(path).status_code == 404
    web = WebClient(client)  # the case page follows the same `can_view`
    web.login(users["own_city"])
    assert web.get(body["links"]["html"]).status_code == 200
    assert [i["id"] for i in city.get("/mentoring-assignments").get_json()["items"]] == [
        objects["assignment"]
    ]
    users.pop("anonymous"), users.pop("admin")
    assert_lists_agree_with_can_view(client, users, resource)


BAD_HEADERS = {
    "none": {},
    "empty bearer": {"Authorization": "Bearer "},
    "garbage": {"Authorization": "Bearer garbage"},
    "unknown token": {"Authorization": "Bearer antrag_" + "x" * 43},
    "overlong token": {"Authorization": "Bearer antrag_" + "x" * 500},
    "basic": {"Authorization": "Basic " + base64.b64encode(b"digital@speyer.de:pw").decode()},
}


def _assert_401_everywhere(client, objects, headers):
    failures = []
    for method, path in _rows():
        url = "/api/v1" + path.format(**objects)
        response = client.open(url, method=method, headers=headers, json={})
        ok = (
            response.status_code == 401
            and response.mimetype == PROBLEM
            and response.headers.get("WWW-Authenticate", "").startswith("Bearer")
            and response.get_json()["status"] == 401
        )
        if not ok:
            failures.append(f"{method} {path}: {response.status_code} {response.mimetype}")
    assert failures == []


@pytest.mark.parametrize("kind", BAD_HEADERS)
def test_requests_without_a_valid_token_get_401_everywhere(client, objects, kind):
    _assert_401_everywhere(client, objects, BAD_HEADERS[kind])


@pytest.mark.parametrize("kind", ["revoked", "deactivated account"])
def test_tokens_that_no_longer_count_get_401_everywhere(client, world, objects, kind):
    from antrag.api.tokens import create_token, revoke_token

    token, secret = create_token(world.users.speyer, "Altes Skript")
    if kind == "revoked":
        revoke_token(world.users.speyer, token.id)
    else:
        world.users.speyer.active = False
    db.session.commit()
    _assert_401_everywhere(client, objects, {"Authorization": f"Bearer {secret}"})


def test_a_session_cookie_without_a_token_is_not_enough(client, world):
    web = WebClient(client)
    web.login(world.users.speyer)
    assert web.get("/antraege/").status_code == 200  # the session itself works
    response = client.get("/api/v1/me")
    body = assert_problem(response, 401, "unauthorized")
    assert "Sitzungs-Cookies" in body["detail"]
    response = client.post("/api/v1/applications", json={"round_id": world.round.id})
    assert_problem(response, 401)


def test_a_token_acts_as_its_owner_whatever_the_session_says(client, world):
    WebClient(client).login(world.users.speyer)
    api = Api(client, token_for(world.users.reviewer))
    assert api.get("/me").get_json()["role"] == "reviewer"
