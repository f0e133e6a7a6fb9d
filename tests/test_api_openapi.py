"""The OpenAPI document: valid, complete, and exact about what the API really answers."""

import re

import pytest
from api_schema_support import (
    PREFIX,
    bearer,
    populate,
    response_schema,
    tokens_for,
    validator,
)
from openapi_spec_validator import validate

from antrag import engine
from antrag.api.openapi import document
from antrag.api.problems import KINDS
from antrag.api.resources import RESOURCES
from antrag.applications.storage import minimal_pdf

AUTO_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(app):
    return document()


@pytest.fixture
def data(world, make_application):
    return populate(world, make_application)


@pytest.fixture
def tokens(world, data):
    return tokens_for(world)


def documented_template(rule: str) -> str:
    """Return the document's path of a URL rule: <int:object_id> → {object_id}."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)[len(PREFIX) :]


def conforms(spec, response, path: str, method="get") -> dict:
    """Assert that `response` matches the document's schema for its status; return the JSON."""
    schema = response_schema(spec, path, method, response.status_code, response.mimetype)
    body = response.get_json()
    errors = sorted(validator(spec, schema).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return body


def test_document_is_valid_openapi_3_1(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_every_api_route_is_described_and_nothing_else(app, spec):
    routes = {
        (documented_template(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - AUTO_METHODS
    }
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == described


def test_only_the_description_itself_is_public(spec):
    public = {
        path
        for path, item in spec["paths"].items()
        for op in item.values()
        if op.get("security") == []
    }
    assert public == {"/openapi.json", "/docs"}
    assert spec["security"] == [{"bearerAuth": []}]


def test_openapi_json_is_served_without_a_token(client, spec):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == spec


def test_docs_page_renders_anonymously_with_an_anchor_for_every_problem_kind(client):
    response = client.get(f"{PREFIX}/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for kind in KINDS:
        assert f'id="problem-{kind}"' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "/konto/api-tokens" in page
    assert "<script" not in page and "style=" not in page
    for resource in RESOURCES:
        assert f"/{resource.path}/{{object_id}}/transitions" in page


def test_state_filters_name_the_workflow_states(spec):
    [state] = [
        p for p in spec["paths"]["/applications"]["get"]["parameters"] if p["name"] == "state"
    ]
    assert {"draft", "submitted", "approved", "withdrawn"} <= set(state["schema"]["enum"])


@pytest.mark.parametrize(
    ("schema", "link"),
    [
        ("Application", "notice"),
        ("FundingNotice", "application"),
        ("RejectionNotice", "application"),
        ("CallOff", "notice"),
        ("ProofOfUse", "notice"),
        ("AmendmentNotice", "notice"),
    ],
)
def test_links_to_other_resources_are_described_and_may_be_null(spec, schema, link):
    links = spec["components"]["schemas"][schema]["properties"]["links"]
    assert link in links["required"]
    assert links["properties"][link]["type"] == ["string", "null"]
    assert links["properties"][link]["description"]


# Real responses against the document


def test_me_conforms_for_every_role(client, spec, tokens):
    roles = [
        conforms(spec, client.get(f"{PREFIX}/me", headers=bearer(secret)), "/me")["role"]
        for secret in tokens.values()
    ]
    assert roles == ["applicant", "reviewer", "mentor", "admin"]


@pytest.mark.parametrize(("role", "extra"), [("reviewer", "budget"), ("speyer", "eligible")])
def test_rounds_conform_for_each_audience(client, spec, tokens, role, extra):
    response = client.get(f"{PREFIX}/rounds", headers=bearer(tokens[role]))
    found = conforms(spec, response, "/rounds")["items"]
    assert found and all(extra in r for r in found)


def test_municipalities_and_workflows_conform(client, spec, tokens):
    headers = bearer(tokens["speyer"])
    found = conforms(
        spec, client.get(f"{PREFIX}/municipalities?q=spey", headers=headers), "/municipalities"
    )
    assert [m["name"] for m in found["items"]] == ["Speyer"]
    found = conforms(spec, client.get(f"{PREFIX}/workflows", headers=headers), "/workflows")
    # Every declared workflow, also those without a resource of their own (registrations).
    declared = {d.name for d in engine.workflows().all()}
    assert {w["name"] for w in found["items"]} == declared >= {r.workflow for r in RESOURCES}


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_list_detail_and_history_conforms(client, spec, tokens, resource):
    base = f"/{resource.path}"
    seen = 0
    for role in ("speyer", "reviewer", "mentor"):
        headers = bearer(tokens[role])
        listed = conforms(spec, client.get(f"{PREFIX}{base}?per_page=100", headers=headers), base)
        for item in listed["items"]:
            assert "actions" not in item
            detail = client.get(item["links"]["self"], headers=headers)
            assert "actions" in conforms(spec, detail, f"{base}/{{object_id}}")
            history = client.get(item["links"]["history"], headers=headers)
            assert conforms(spec, history, f"{base}/{{object_id}}/history")["items"]
            seen += 1
    assert seen, "the data must hold at least one case of every resource"


def test_mentoring_gaps_conform(client, spec, tokens):
    response = client.get(f"{PREFIX}/mentoring-gaps", headers=bearer(tokens["reviewer"]))
    [gap] = conforms(spec, response, "/mentoring-gaps")["items"]
    assert gap["mentors"]
    refused = client.get(f"{PREFIX}/mentoring-gaps", headers=bearer(tokens["speyer"]))
    assert conforms(spec, refused, "/mentoring-gaps")["status"] == 403


def test_problems_conform(client, spec, tokens):
    headers = bearer(tokens["speyer"])
    invalid = conforms(
        spec, client.get(f"{PREFIX}/applications?per_page=500", headers=headers), "/applications"
    )
    assert invalid["errors"] == {"per_page": "Bitte geben Sie eine ganze Zahl von 1 bis 100 an."}
    missing = client.get(f"{PREFIX}/applications/999999", headers=headers)
    assert conforms(spec, missing, "/applications/{object_id}")["status"] == 404
    anonymous = client.get(f"{PREFIX}/me")
    assert conforms(spec, anonymous, "/me")["status"] == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="antrag"'


def test_write_problems_conform(client, spec, tokens, data):
    headers = bearer(tokens["reviewer"])
    application = data.applications["submitted"]
    path = "/applications/{object_id}/transitions"
    url = f"{PREFIX}/applications/{application.id}/transitions"
    stale = client.post(url, json={"trigger": "start_review", "version": 99}, headers=headers)
    assert conforms(spec, stale, path, "post")["type"].endswith("#problem-stale")
    unknown = client.post(
        url, json={"trigger": "nope", "version": application.case.version}, headers=headers
    )
    assert conforms(spec, unknown, path, "post")["status"] == 400
    wrong_type = client.post(url, data="x", headers=headers, content_type="text/plain")
    assert conforms(spec, wrong_type, path, "post")["status"] == 415
    malformed = client.post(url, data="{", headers=headers, content_type="application/json")
    assert conforms(spec, malformed, path, "post")["status"] == 400


def test_writes_conform(client, spec, tokens, data, world):
    city = bearer(tokens["speyer"])
    created = client.post(f"{PREFIX}/applications", json={"round_id": world.round.id}, headers=city)
    conflict = conforms(spec, created, "/applications", "post")
    assert created.status_code == 409 and conflict["existing"]
    draft = data.applications["draft"]  # Andernach's: not Speyer's, so invisible
    response = client.patch(f"{PREFIX}/applications/{draft.id}", json={"version": 1}, headers=city)
    assert conforms(spec, response, "/applications/{object_id}", "patch")["status"] == 404
    call_off = client.post(
        f"{PREFIX}/funding-notices/{data.notice.id}/call-offs",
        json={"amount": "100.00"},
        headers=city,
    )
    assert call_off.status_code == 201
    conforms(spec, call_off, "/funding-notices/{object_id}/call-offs", "post")
    proof = data.proof
    saved = client.patch(
        f"{PREFIX}/proofs-of-use/{proof.id}",
        json={"version": proof.case.version, "report": "Fertig."},
        headers=city,
    )
    body = conforms(spec, saved, "/proofs-of-use/{object_id}", "patch")
    uploaded = client.post(
        f"{PREFIX}/proofs-of-use/{proof.id}/attachments",
        data={
            "file": (__import__("io").BytesIO(minimal_pdf()), "Beleg.pdf"),
            "version": str(body["version"]),
        },
        headers=city,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    conforms(spec, uploaded, "/proofs-of-use/{object_id}/attachments", "post")


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_sync_pages_and_the_admins_refusal_conform(client, spec, tokens, resource):
    from datetime import timedelta

    from antrag.clock import frozen_at, now

    base = f"/{resource.path}"
    headers = bearer(tokens["reviewer"])
    with frozen_at(now() + timedelta(minutes=1)):  # past the settle window of a sync
        first = client.get(f"{PREFIX}{base}?sort=updated_at&per_page=1", headers=headers)
        body = conforms(spec, first, base)
        while body["next"]:
            body = conforms(spec, client.get(body["next"], headers=headers), base)
            assert body["page"] is None
    refused = client.get(f"{PREFIX}{base}", headers=bearer(tokens["admin"]))
    assert conforms(spec, refused, base)["status"] == 403
