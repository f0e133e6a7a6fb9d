"""Schemathesis against the live OpenAPI document: every operation, every role, real data.

Each role gets its own database with cases in many states; every documented operation is
called with generated valid and invalid requests, and every answer must be documented:
no server error, a documented status, content type, headers and body.
"""

import re

import pytest
import schemathesis
from api_schema_support import PREFIX, bearer, populate, tokens_for
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The documented shapes of the API (a contract, not the database's behaviour, which the
# API tables, stories and races check on both): the SQLite run covers it (tests/conftest.py).
pytestmark = pytest.mark.database_agnostic

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
BODY_EXAMPLES = 20  # operations with a request body get more: their input checks are many
MISSING = 999_999  # an id that exists nowhere: valid cases ask for it now and then
LISTS = ("applications", "funding-notices", "call-offs", "proofs-of-use", "mentoring-assignments")


class Isolated:
    """The app as a WSGI callable whose every request runs in its own app context.

    The fixtures keep an app context pushed; without this, requests would share its
    database session, which real requests never do (see conftest.IsolatedClient).
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            body = self.app.wsgi_app(environ, start_response)
            try:  # read file downloads here, so that their files are closed
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()


class Known:
    """What the role can see, read through the API: ids per collection, attachment ids, and
    every trigger of every workflow; valid cases are built from these so they reach past 404."""

    def __init__(self, client, headers: dict):
        self.client, self.headers = client, headers
        self.ids: dict[str, list[int]] = {}
        self.attachments: dict[str, list[int]] = {}
        for collection in (*LISTS, "mentoring-gaps"):
            items = self.get(f"/{collection}?per_page=100").get("items", [])
            self.ids[collection] = [item["id"] for item in items]
            self.attachments[collection] = [
                a["id"]
                for item in items
                for a in self.get(f"/{collection}/{item['id']}").get("attachments", [])
            ]
        self.rounds = [r["id"] for r in self.get("/rounds?per_page=100")["items"]]
        self.triggers = sorted(
            {t["trigger"] for w in self.get("/workflows")["items"] for t in w["transitions"]}
        )

    def get(self, path: str) -> dict:
        response = self.client.get(PREFIX + path, headers=self.headers)
        return response.get_json() if response.status_code == 200 else {}

    def path_values(self, operation):
        """Return a strategy of path parameters naming visible objects (or a missing one)."""
        collection = operation.path.split("/")[1]
        pools = {
            "object_id": self.ids.get(collection, []),
            "attachment_id": self.attachments.get(collection, []),
            "number": [1, 2],  # revisions of an application (a draft has none: 404)
        }
        names = re.findall(r"{(\w+)}", operation.path)
        return st.fixed_dictionaries(
            {name: st.sampled_from([*pools[name], MISSING]) for name in names}
        )

    def freshen(self, case, data) -> None:
        """Mostly send the object's current version, a known trigger and an existing round."""
        body, object_id = case.body, (case.path_parameters or {}).get("object_id")
        if not isinstance(body, dict) or not data.draw(st.booleans()):
            return
        if "round_id" in body:
            body["round_id"] = data.draw(st.sampled_from(self.rounds))
        if object_id is None:
            return
        collection = case.operation.path.split("/")[1]
        if "version" in body:
            body["version"] = self.get(f"/{collection}/{object_id}").get("version", 1)
        if "trigger" in body:
            body["trigger"] = data.draw(st.sampled_from(self.triggers))


def cases(operation, mode: GenerationMode, known: Known):
    """Return the strategy of an operation's cases; they name visible objects, except
    invalid cases of operations without a body, which could only make the path invalid."""
    if "{" not in operation.path or (mode is GenerationMode.NEGATIVE and not operation.body):
        return operation.as_strategy(generation_mode=mode)
    return known.path_values(operation).flatmap(
        lambda values: operation.as_strategy(mode, path_parameters=values)
    )


def failures_of(operation, mode: GenerationMode, known: Known) -> list[str]:
    """Run one operation in one generation mode; return a description of its failure."""

    @given(case=cases(operation, mode, known), data=st.data())
    @settings(
        max_examples=BODY_EXAMPLES if operation.body else EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):
        known.freshen(case, data)
        case.call_and_validate(headers=known.headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: no parameters and no body
        return []
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not just the first
        return [f"{operation.label} ({mode.value}): {exc}"]
    return []


@pytest.mark.parametrize("role", ["speyer", "reviewer", "mentor", "admin"])
def test_every_operation_answers_as_documented(app, world, make_application, role):
    populate(world, make_application)
    known = Known(app.test_client(), bearer(tokens_for(world)[role]))
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", Isolated(app))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            failures += failures_of(operation, mode, known)
    assert not failures, "\n\n".join(failures)
