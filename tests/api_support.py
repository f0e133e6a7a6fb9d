"""Helpers for the API tests: a client acting with one person's bearer token, problem checks.

Used by test_api_story.py, test_api_authorization.py and test_api_errors.py.
"""

import io

from antrag.api.tokens import create_token
from antrag.extensions import db

BASE = "/api/v1"
PROBLEM = "application/problem+json"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


def token_for(user, name="Test") -> str:
    """Create a token for `user`, commit, and return its secret."""
    _, secret = create_token(user, name)
    db.session.commit()
    return secret


class Api:
    """The test client speaking to /api/v1 as one person (or as nobody, with `secret=None`)."""

    def __init__(self, client, secret: str | None, *, second_factor=None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.second_factor = second_factor  # a user with an app: every request sends a code

    def with_second_factor(self, user) -> "Api":
        """Enrol an authenticator app for `user` (if needed) and send its code with requests."""
        from second_factor_support import enrol_totp

        from antrag.accounts import totp

        if not totp.enrolled(user):
            enrol_totp(user)
        self.second_factor = user
        return self

    def _second_factor_header(self) -> dict:
        """Return the header with a code the server has not seen yet.

        Tests send many signing requests within one 30-second step, which a person with one
        app cannot; the step last accepted is put back so that the current code counts.
        """
        if self.second_factor is None:
            return {}
        from antrag.accounts import totp
        from antrag.accounts.step_up import API_HEADER

        credential = totp.credential_of(self.second_factor)
        credential.last_step = 0
        db.session.commit()
        return {API_HEADER: totp.code_for(self.second_factor)}

    def _url(self, path: str) -> str:
        return path if path.startswith(BASE) else BASE + path

    def open(self, method: str, path: str, **kwargs):
        headers = self.headers | self._second_factor_header() | kwargs.pop("headers", {})
        response = self.client.open(self._url(path), method=method, headers=headers, **kwargs)
        response.get_data()  # read file responses fully so that they release their handle
        response.close()
        db.session.expire_all()  # the test's own session sees what the request committed
        return response

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.open("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.open("PATCH", path, json=json, **kwargs)

    def upload(self, path: str, data: bytes, version, name="Dokument.pdf"):
        """Send `data` as the multipart field `file` with the case `version`."""
        form = {"file": (io.BytesIO(data), name), "version": str(version)}
        return self.open("POST", path, data=form, content_type="multipart/form-data")

    def fire(self, path: str, trigger: str, version: int, **body):
        """POST a transition of the resource at `path` (e.g. "/applications/3")."""
        return self.post(f"{path}/transitions", {"trigger": trigger, "version": version, **body})


def assert_problem(response, status: int, kind: str | None = None) -> dict:
    """Assert that `response` is an RFC 9457 problem of `status` (and `kind`); return its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    assert body.keys() >= PROBLEM_MEMBERS, body
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/docs#problem-")
    assert body["title"] and body["detail"]
    if kind is not None:
        assert body["type"] == f"/api/v1/docs#problem-{kind}", body
    return body


def assert_ok(response, status: int = 200) -> dict:
    """Assert a JSON success response of `status`; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/json"
    return response.get_json()
