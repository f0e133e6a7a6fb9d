"""The answer of a transition, byte for byte as `url_for` and the plain serializers give it.

The API builds its URLs from a pattern per endpoint (`antrag/api/urls.py`) rather than with
`url_for` each time. These tests compare every answer with the one built the slow way: the
same request again with the patterns switched off, also behind a script root.
"""

import pytest
from api_support import BASE, Api, assert_ok, token_for
from flask import url_for

from antrag.api import urls
from antrag.extensions import db

ROOTS = ({}, {"SCRIPT_NAME": "/antrag {7}"})


def _slow(monkeypatch, app):
    """Switch the URL patterns off: every URL comes from `url_for` again."""
    app.extensions.pop(urls.EXTENSION_KEY, None)
    monkeypatch.setattr(urls, "_pattern", lambda *args: None)


@pytest.mark.parametrize("environ", ROOTS)
def test_a_transitions_answer_is_exactly_the_answer_built_with_url_for(
    app, client, world, make_application, monkeypatch, environ, same_day
):
    world.users.reviewer.can_sign = True
    db.session.commit()
    application = make_application("submitted")
    anna = Api(client, token_for(world.users.reviewer))
    ben = Api(client, token_for(world.users.reviewer2))
    path = f"/applications/{application.id}"
    version = application.case.version
    answers = []
    for api, trigger in ((anna, "start_review"), (anna, "propose_approval"), (ben, "approve")):
        response = api.post(
            f"{path}/transitions",
            {"trigger": trigger, "version": version, "comment": "Passt."},
            environ_overrides=environ,
        )
        version = assert_ok(response)["version"]
        answers.append((api, response.get_data()))
    assert all(b'"notice":null' in body for _, body in answers[:2])
    assert b'"notice":"' in answers[2][1]  # the approval links its drafted notice
    assert all(b'/revisions/1/receipt"' in body for _, body in answers)
    assert environ.get("SCRIPT_NAME", "").encode() + b"/api/v1/applications/" in answers[0][1]
    assert all(app.extensions[urls.EXTENSION_KEY].values())  # built from patterns
    _slow(monkeypatch, app)
    # The detail as the last transition's actor after it, built by url_for: the same bytes.
    api, last = answers[-1]
    assert api.get(path, environ_overrides=environ).get_data() == last
    assert not any(app.extensions[urls.EXTENSION_KEY].values())


def test_api_url_gives_what_url_for_gives_and_falls_back_where_it_cannot(app):
    cases = (
        ("api.application_detail", {"object_id": 7}),
        ("api.application_attachment", {"object_id": 12, "attachment_id": 3}),
        ("api.application_receipt", {"object_id": 5, "number": 2}),
        ("applications.detail", {"application_id": 41}),
        ("api.notice_pdf", {"object_id": 9}),
    )
    for environ in ({}, {"SCRIPT_NAME": "/antrag {0} 730192846517000"}, {"SCRIPT_NAME": "/x"}):
        with app.test_request_context(f"{BASE}/me", environ_overrides=environ):
            for endpoint, values in cases * 2:  # the second round from the patterns
                assert urls.api_url(endpoint, **values) == url_for(endpoint, **values)
            # Not a plain integer, or not a rule value: url_for, as before.
            assert urls.api_url("api.application_detail", object_id=True) == url_for(
                "api.application_detail", object_id=True
            )
    with app.app_context():  # outside a request: url_for's absolute URL
        assert urls.api_url("api.application_detail", object_id=7) == url_for(
            "api.application_detail", object_id=7
        )


def test_the_patterns_kept_are_bounded_whatever_requests_name(app, monkeypatch):
    """Hosts and script roots come with the request: beyond a bound, url_for serves."""
    monkeypatch.setattr(urls, "MAX_PATTERNS", 3)
    app.extensions.pop(urls.EXTENSION_KEY, None)
    for n in range(6):
        environ = {"SCRIPT_NAME": f"/root{n}"}
        with app.test_request_context(f"{BASE}/me", environ_overrides=environ):
            assert urls.api_url("api.application_detail", object_id=n) == url_for(
                "api.application_detail", object_id=n
            )
    assert len(app.extensions[urls.EXTENSION_KEY]) == 3
