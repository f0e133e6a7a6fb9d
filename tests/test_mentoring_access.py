"""Who may open and act on the mentoring pages: role × page, and a mentor sees only their own."""

import pytest
from conftest import PASSWORD
from sqlalchemy import select

from antrag.accounts.operations import create_user
from antrag.extensions import db
from antrag.mentoring.models import MentoringAssignment, MentoringGap

ROLES = ("anonymous", "own_city", "other_city", "reviewer", "mentor", "other_mentor", "admin")


@pytest.fixture
def setting(app, snapshots, world, make_application):
    """Speyer proposed to the mentor, Andernach to the other mentor, a gap for an earlier round.

    Built once per test process and copied for each test (tests/snapshots.py).
    """
    return snapshots.reuse(
        app, "mentoring_access.setting", lambda: _setting(world, make_application), _dump, _load
    )


def _dump(setting):
    users, ids = setting
    return {role: user and user.id for role, user in users.items()}, ids


def _load(data):
    from antrag.accounts.models import User

    user_ids, ids = data
    return {role: id_ and db.session.get(User, id_) for role, id_ in user_ids.items()}, ids


def _setting(world, make_application):
    from antrag.programme.models import Round

    mentor = world.users.mentor
    mentor.mentor_capacity, mentor.mentor_topics = 1, "verwaltung"
    other = create_user(
        email="andere.mentorin@kl.digital",
        name="Andere Mentorin",
        role="mentor",
        password=PASSWORD,
        organisation="KL.digital GmbH",
    )
    other.mentor_capacity = 1
    earlier = Round(
        programme=world.programme,
        name="Frühere Runde",
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=world.round.budget,
        standard_amount=world.round.standard_amount,
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        invited=[world.speyer],
    )
    db.session.add(earlier)
    db.session.commit()
    speyer = make_application("approved")
    andernach = make_application("approved", world.andernach)
    make_application("approved", round_=earlier)  # both mentors are full now: a gap
    by_app = {a.application_id: a.id for a in db.session.scalars(select(MentoringAssignment))}
    users = {
        "anonymous": None,
        "own_city": world.users.speyer,
        "other_city": world.users.andernach,
        "reviewer": world.users.reviewer,
        "mentor": mentor,
        "other_mentor": other,
        "admin": world.users.admin,
    }
    ids = {
        "mine": by_app[speyer.id],
        "theirs": by_app[andernach.id],
        "app": speyer.id,
        "gap": db.session.scalar(select(MentoringGap.id)),
    }
    return users, ids


#          page                                      anon own  other rev  ment othm adm
GET_TABLE = [
    ("/mentoring", (302, 302, 302, 302, 200, 200, 302)),
    ("/mentoring/ministerium", (302, 403, 403, 200, 403, 403, 403)),
    ("/mentoring/zuordnungen/{mine}", (302, 404, 404, 200, 200, 404, 404)),
    ("/mentoring/zuordnungen/{theirs}", (302, 404, 404, 200, 404, 200, 404)),
    ("/mentoring/zuordnungen/999999", (302, 404, 404, 404, 404, 404, 404)),
    ("/antraege/{app}", (302, 200, 404, 200, 200, 404, 404)),
]


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        pytest.param(page, role, expected[i], id=f"GET {page} as {role}")
        for page, expected in GET_TABLE
        for i, role in enumerate(ROLES)
    ],
)
def test_get_pages(make_web, setting, page, role, expected):
    users, ids = setting
    response = make_web(users[role]).get(page.format(**ids))
    assert response.status_code == expected


# Accepting the mentor's proposal: only that mentor may; the ministry sees it but may not act.
ACCEPT_TABLE = (302, 404, 404, 403, 302, 404, 404)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ACCEPT_TABLE, strict=True)))
def test_accept_only_by_the_proposed_mentor(make_web, setting, role, expected):
    users, ids = setting
    web = make_web(users[role])
    web.get("/anmelden")
    response = web.post(
        f"/mentoring/zuordnungen/{ids['mine']}/aktion", {"trigger": "accept", "version": 1}
    )
    assert response.status_code == expected
    db.session.expire_all()
    state = db.session.get(MentoringAssignment, ids["mine"]).case.state
    assert (state == "accepted") == (role == "mentor")


# Proposing a mentor for the gap: only the ministry may.
GAP_TABLE = (302, 403, 403, 302, 403, 403, 403)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, GAP_TABLE, strict=True)))
def test_gap_proposal_only_by_the_ministry(make_web, setting, world, role, expected):
    users, ids = setting
    users["mentor"].mentor_capacity = 2
    db.session.commit()
    web = make_web(users[role])
    web.get("/anmelden")
    response = web.post(
        f"/mentoring/ministerium/luecken/{ids['gap']}",
        {f"gap-{ids['gap']}-mentor": users["mentor"].id},
    )
    assert response.status_code == expected
    db.session.expire_all()
    resolved = db.session.get(MentoringGap, ids["gap"]).resolved_at is not None
    assert resolved == (role == "reviewer")


def test_mentor_sees_the_application_only_while_following_it(setting, make_web):
    users, ids = setting
    web = make_web(users["mentor"])
    web.get("/anmelden")
    web.post(
        f"/mentoring/zuordnungen/{ids['mine']}/aktion",
        {"trigger": "decline", "version": 1, "comment": "Keine Kapazität."},
    )
    assert web.get(f"/antraege/{ids['app']}").status_code == 404
