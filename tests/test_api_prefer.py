"""`Prefer: return=minimal` on a transition: the new state and version only (RFC 7240)."""

import pytest
from api_schema_support import response_schema, validator
from api_support import Api, assert_ok, assert_problem, token_for
from sqlalchemy import func, select

from antrag.api.openapi import document
from antrag.api.prefer import prefers_minimal
from antrag.engine.models import HistoryEntry
from antrag.extensions import db

MINIMAL = {"Prefer": "return=minimal"}
KEY = "3f0c2a5e-8b1d-4e6f-a7c9-0d2b4f6e8a1c"


@pytest.fixture
def reviewer(client, world):
    return Api(client, token_for(world.users.reviewer))


@pytest.fixture
def submitted(make_application):
    return make_application("submitted")


def start_review(api, application, version=None, **headers):
    return api.post(
        f"/applications/{application.id}/transitions",
        {"trigger": "start_review", "version": version or application.case.version},
        headers=headers,
    )


def entries(application) -> int:
    return db.session.scalar(
        select(func.count()).select_from(HistoryEntry).filter_by(case_id=application.case_id)
    )


def test_a_transition_preferring_minimal_answers_state_and_version_only(reviewer, submitted):
    before = entries(submitted)

    response = start_review(reviewer, submitted, **MINIMAL)

    assert_ok(response)
    assert response.get_json() == {
        "id": submitted.id,
        "state": "in_review",
        "version": submitted.case.version,
        "links": {"self": f"/api/v1/applications/{submitted.id}"},
    }
    assert response.headers["Preference-Applied"] == "return=minimal"
    assert submitted.case.state == "in_review" and entries(submitted) == before + 1
    spec = document()
    schema = response_schema(
        spec, "/applications/{object_id}/transitions", "post", 200, "application/json"
    )
    assert not list(validator(spec, schema).iter_errors(response.get_json()))


def test_without_the_preference_the_answer_is_the_whole_case_as_before(reviewer, submitted):
    response = start_review(reviewer, submitted)

    body = assert_ok(response)
    assert body["state"] == "in_review" and "actions" in body and "projects" in body
    assert "Preference-Applied" not in response.headers


def test_the_next_transition_goes_on_from_the_minimal_answers_version(reviewer, submitted):
    version = start_review(reviewer, submitted, **MINIMAL).get_json()["version"]

    response = reviewer.post(
        f"/applications/{submitted.id}/transitions",
        {"trigger": "propose_approval", "version": version, "comment": "Passt."},
        headers=MINIMAL,
    )

    assert_ok(response)
    assert response.get_json()["state"] == "proposed_approval"


def test_a_refused_transition_is_the_same_problem_with_or_without_the_preference(
    reviewer, submitted
):
    stale = reviewer.post(
        f"/applications/{submitted.id}/transitions",
        {"trigger": "start_review", "version": submitted.case.version + 1},
        headers=MINIMAL,
    )

    assert_problem(stale, 409)
    assert "Preference-Applied" not in stale.headers


def test_only_transitions_honour_the_preference(reviewer, submitted):
    detail = reviewer.get(f"/applications/{submitted.id}", headers=MINIMAL)

    assert "actions" in assert_ok(detail)
    assert "Preference-Applied" not in detail.headers


def test_a_repetition_with_the_same_key_gets_the_minimal_answer_again(reviewer, submitted):
    version = submitted.case.version
    first = start_review(reviewer, submitted, version, **MINIMAL, **{"Idempotency-Key": KEY})
    again = start_review(reviewer, submitted, version, **MINIMAL, **{"Idempotency-Key": KEY})

    assert_ok(first)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Preference-Applied"] == "return=minimal"


def test_the_same_key_without_the_preference_is_another_request(reviewer, submitted):
    version = submitted.case.version
    assert_ok(start_review(reviewer, submitted, version, **MINIMAL, **{"Idempotency-Key": KEY}))

    whole = start_review(reviewer, submitted, version, **{"Idempotency-Key": KEY})

    assert_problem(whole, 422, "key_reused")


@pytest.mark.parametrize(
    ("headers", "minimal"),
    [
        (["return=minimal"], True),
        (["RETURN=minimal"], True),  # tokens compare case-insensitively (RFC 7240 §2)
        (["return=MINIMAL"], False),  # values case-sensitively
        (['return="minimal"'], True),  # a quoted value is the same value
        (["return = minimal"], True),  # BWS around "="
        (["respond-async, return=minimal; foo=bar"], True),
        (["handling=lenient", "return=minimal"], True),  # several header lines
        (["return=representation, return=minimal"], False),  # the first one counts
        (['foo="a, return=minimal"'], False),  # inside a quoted value it is no preference
        (["return"], False),
        (["wait=10"], False),
        ([], False),
    ],
)
def test_the_prefer_header_is_read_as_rfc_7240_says(app, headers, minimal):
    with app.test_request_context(headers=[("Prefer", value) for value in headers]):
        assert prefers_minimal() is minimal
