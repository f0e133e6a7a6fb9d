"""Links between API resources, and what an administrator's token gets: 403 on cases.

An application links to the notice that decides it (`links.notice`) once the caller may see
that notice (a city only once it was issued); a notice links back to its application.
"""

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from funding_support import act, notice_of

from antrag.extensions import db
from antrag.notices.rejection_rules import rejection_notice_of


@pytest.fixture
def approved(world, make_application):
    """Speyer approved (notice drafted), with a mentor who follows the application."""
    world.users.mentor.mentor_capacity, world.users.mentor.mentor_topics = 1, "verwaltung"
    world.users.reviewer.can_sign = True
    db.session.commit()
    return make_application("approved")


def _apis(client, world):
    u = world.users
    return {
        name: Api(client, token_for(getattr(u, name)))
        for name in ("speyer", "reviewer", "mentor", "andernach")
    }


def test_an_approved_application_links_its_notice_once_the_caller_may_see_it(
    client, world, approved
):
    apis = _apis(client, world)
    notice = notice_of(approved)
    path = f"/applications/{approved.id}"
    notice_url = f"/api/v1/funding-notices/{notice.id}"
    assert assert_ok(apis["reviewer"].get(path))["links"]["notice"] == notice_url
    assert assert_ok(apis["speyer"].get(path))["links"]["notice"] is None  # still a draft
    assert assert_ok(apis["mentor"].get(path))["links"]["notice"] is None  # not the mentor's
    act(notice, "issue", world.users.reviewer)
    for name in ("speyer", "reviewer"):
        body = assert_ok(apis[name].get(path))
        assert body["links"]["notice"] == notice_url, name
        listed = assert_ok(apis[name].get("/applications"))["items"]
        assert [i["links"]["notice"] for i in listed if i["id"] == approved.id] == [notice_url]
        back = assert_ok(apis[name].get(notice_url))
        assert back["links"]["application"] == f"/api/v1{path}"
    assert assert_ok(apis["mentor"].get(path))["links"]["notice"] is None


def test_an_application_without_a_notice_links_none(client, world, make_application):
    submitted = make_application("submitted")
    body = assert_ok(
        Api(client, token_for(world.users.reviewer)).get(f"/applications/{submitted.id}")
    )
    assert body["links"]["notice"] is None


def test_a_rejected_application_links_its_rejection_notice(client, world, make_application):
    rejected = make_application("rejected")
    rejection = rejection_notice_of(rejected)
    apis = _apis(client, world)
    path, url = f"/applications/{rejected.id}", f"/api/v1/rejection-notices/{rejection.id}"
    assert assert_ok(apis["reviewer"].get(path))["links"]["notice"] == url
    assert assert_ok(apis["speyer"].get(path))["links"]["notice"] is None
    assert assert_ok(apis["reviewer"].get(url))["links"]["application"] == f"/api/v1{path}"


@pytest.mark.parametrize(
    "path",
    [
        "/applications",
        "/applications/{id}",
        "/applications/{id}/history",
        "/funding-notices",
        "/mentoring-assignments",
        "/applications/999999",
    ],
)
def test_an_admin_token_gets_403_on_cases(client, world, make_application, path):
    draft = make_application("submitted")
    admin = Api(client, token_for(world.users.admin))
    body = assert_problem(admin.get(path.format(id=draft.id)), 403, "forbidden")
    assert "Administration sieht keine Vorgänge" in body["detail"]


def test_an_admin_token_still_reads_the_account_and_master_data(client, world):
    admin = Api(client, token_for(world.users.admin))
    for path in ("/me", "/rounds", "/municipalities", "/workflows"):
        assert admin.get(path).status_code == 200, path


@pytest.mark.parametrize("issued", [False, True])
def test_a_drafted_notice_handed_over_is_linked_as_the_database_would(app, world, approved, issued):
    """The answer of the transition that drafted a notice links it without asking for it,
    by the same rule (a city sees it only once issued, a mentor never)."""
    from antrag.api.links import application_links

    notice = notice_of(approved)
    if issued:
        act(notice, "issue", world.users.reviewer)
    with app.test_request_context():
        for name in ("reviewer", "speyer", "mentor", "andernach"):
            user = getattr(world.users, name)
            handed = application_links([approved], user, {"funding_notice": notice})
            assert handed == application_links([approved], user), name
