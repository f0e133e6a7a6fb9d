"""Links between API resources, and what an administrator's token gets: 403 on cases.

An application links to the notice that decides it (`links.notice`) once the caller may see
that notice (a city only once it was issued); a notice links back to its application.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from funding_support import act, final_notice, notice_of, proof_of
from sql_support import counted_statements

from antrag.amendments.operations import draft_amendment
from antrag.api.links import funding_notice_links
from antrag.extensions import db
from antrag.funding.operations import request_call_off
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


# Call-offs, proofs of use and amendment notices link the funding notice they belong to.


@pytest.fixture
def parts(world, make_application):
    """A final notice of Speyer with two call-offs, its proof of use and a drafted amendment."""
    notice = final_notice(make_application, world)
    call_offs = [
        request_call_off(world.users.speyer, notice, Decimal(amount), None)
        for amount in ("1000.00", "2000.00")
    ]
    amendment = draft_amendment(
        world.users.reviewer, notice, new_amount=None, new_period_end=None,
        condition="Die Kommune berichtet halbjährlich.", reasons="Auf Wunsch der Kommune.",
    )  # fmt: skip
    db.session.commit()
    return SimpleNamespace(
        notice=notice, call_offs=call_offs, proof=proof_of(notice), amendment=amendment
    )


def test_parts_of_a_notice_link_it_in_detail_and_list(client, world, parts):
    apis = _apis(client, world)
    notice_url = f"/api/v1/funding-notices/{parts.notice.id}"
    seen = {
        "speyer": [("call-offs", c.id) for c in parts.call_offs]
        + [("proofs-of-use", parts.proof.id)],
    }
    seen["reviewer"] = seen["speyer"] + [("amendment-notices", parts.amendment.id)]
    for name, paths in seen.items():
        for base, object_id in paths:
            detail = assert_ok(apis[name].get(f"/{base}/{object_id}"))
            assert detail["links"]["notice"] == notice_url, (name, base)
            listed = assert_ok(apis[name].get(f"/{base}"))["items"]
            assert {i["links"]["notice"] for i in listed} == {notice_url}, (name, base)
    assert assert_ok(apis["andernach"].get("/call-offs"))["items"] == []
    assert assert_ok(apis["mentor"].get("/proofs-of-use"))["items"] == []


def test_the_notice_link_follows_the_notices_own_rule(app, world, make_application):
    """A city does not get the link to a notice still drafted, whether held or queried."""
    drafted = notice_of(make_application("approved"))
    row = SimpleNamespace(id=1, notice_id=drafted.id)
    url = f"/api/v1/funding-notices/{drafted.id}"
    expected = {"speyer": None, "andernach": None, "mentor": None, "reviewer": url}
    for held in (True, False):
        if not held:
            db.session.expire_all()
        with app.test_request_context("/api/v1/me"):
            for name, link in expected.items():
                user = getattr(world.users, name)
                assert funding_notice_links([row], user) == {1: {"notice": link}}, (name, held)


def _notice_queries(statements) -> list[str]:
    return [s for s in statements if s.startswith("SELECT funding_notice.id \nFROM funding_notice")]


def test_the_notice_links_cost_one_statement_a_page_and_none_on_a_detail(client, world, parts):
    speyer = _apis(client, world)["speyer"]
    with counted_statements() as listed:
        assert len(assert_ok(speyer.get("/call-offs"))["items"]) == 2
    with counted_statements() as detail:
        assert_ok(speyer.get(f"/call-offs/{parts.call_offs[0].id}"))
    assert len(_notice_queries(listed)) == 1
    assert _notice_queries(detail) == []


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
