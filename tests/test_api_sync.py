"""Lists for integrators: the stable sort, `changed_since`, and the keyset cursor of a sync.

A sync (`sort=updated_at`, following `next`) must neither skip nor repeat an item while
others change cases between two pages: a case changed meanwhile is seen once more, later.
"""

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from conftest import extra_round

from antrag import engine
from antrag.clock import frozen_at

# Today (the test rounds are open around today), 09:00 UTC.
T0 = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def five(world, make_application):
    """Five submitted applications, submitted one minute apart (T0 + 0 … 4 minutes)."""
    later = extra_round(world, "Zweite Runde")
    cities = (world.speyer, world.andernach, world.speyer, world.andernach, world.pirmasens)
    rounds = (world.round, world.round, later, later, later)
    made = []
    for minute, (city, round_) in enumerate(zip(cities, rounds, strict=True)):
        with frozen_at(at(minute)):
            made.append(make_application("submitted", municipality=city, round_=round_))
    return made


@pytest.fixture
def ministry(client, world):
    return Api(client, token_for(world.users.reviewer))


def _start_review(world, application):
    engine.fire(
        application.case_id, "start_review", world.users.reviewer, version=application.case.version
    )
    from antrag.extensions import db

    db.session.commit()


def _ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_the_sync_order_is_ascending_by_change_then_id(ministry, five):
    with frozen_at(at(60)):
        body = assert_ok(ministry.get("/applications?sort=updated_at"))
    assert _ids(body) == [a.id for a in five]
    stamps = [item["updated_at"] for item in body["items"]]
    assert stamps == sorted(stamps)
    assert (body["page"], body["total"], body["next"]) == (1, 5, None)


def test_the_default_order_is_unchanged_and_pages_link_the_next(ministry, five):
    with frozen_at(at(60)):
        first = assert_ok(ministry.get("/applications?per_page=2"))
        assert _ids(first) == [five[4].id, five[3].id]
        assert parse_qs(urlsplit(first["next"]).query) == {"per_page": ["2"], "page": ["2"]}
        last = assert_ok(ministry.get("/applications?per_page=2&page=3"))
    assert (_ids(last), last["next"]) == ([five[0].id], None)


def test_paging_a_sync_while_cases_change_neither_skips_nor_repeats(ministry, five, world):
    seen = []
    with frozen_at(at(60)):
        body = assert_ok(ministry.get("/applications?sort=updated_at&per_page=2"))
    seen += [(i["id"], i["state"]) for i in body["items"]]
    assert [i for i, _ in seen] == [five[0].id, five[1].id]
    # Between two pages: one case already seen and one not yet seen change.
    with frozen_at(at(61)):
        _start_review(world, five[0])
        _start_review(world, five[3])
    pages = 1
    with frozen_at(at(62)):
        while body["next"]:
            assert body["page"] in (1, None)
            body = assert_ok(ministry.get(body["next"]))
            assert body["page"] is None  # a cursor, not a page number
            seen += [(i["id"], i["state"]) for i in body["items"]]
            pages += 1
    ids = [i for i, _ in seen]
    # Every case once, and the changed one already seen once more, later, in its new state.
    assert sorted(set(ids)) == sorted(a.id for a in five)
    assert ids.count(five[0].id) == 2 and ids.count(five[3].id) == 1
    assert seen[-2:] in (
        [(five[0].id, "in_review"), (five[3].id, "in_review")],
        [(five[3].id, "in_review"), (five[0].id, "in_review")],
    )
    assert ids.index(five[3].id) > ids.index(five[4].id)
    assert pages == 3  # 2 + 2 + 2 items: the last page has no `next`


def test_changed_since_includes_the_moment_itself(ministry, five):
    with frozen_at(at(60)):
        berlin_offset = at(2).astimezone(timezone(timedelta(hours=1))).isoformat()
        for value in (at(2).isoformat().replace("+00:00", "Z"), berlin_offset):
            body = assert_ok(ministry.get("/applications", query_string={"changed_since": value}))
            assert sorted(_ids(body)) == sorted(a.id for a in five[2:]), value
        # An unencoded "+" arrives as a space; it is read as the "+" it was.
        raw = at(4).astimezone(timezone(timedelta(hours=1))).isoformat()
        body = assert_ok(ministry.get(f"/applications?changed_since={raw}"))
    assert _ids(body) == [five[4].id]


def test_a_sync_leaves_out_changes_still_settling(app, ministry, five):
    settle = app.config["API_SYNC_SETTLE_SECONDS"]
    assert settle > 0
    with frozen_at(at(4) + timedelta(seconds=settle - 1)):
        body = assert_ok(ministry.get("/applications?sort=updated_at"))
    assert _ids(body) == [a.id for a in five[:4]]
    with frozen_at(at(4) + timedelta(seconds=settle)):
        body = assert_ok(ministry.get("/applications?sort=updated_at"))
    assert _ids(body) == [a.id for a in five]


def test_a_cursor_continues_exactly_after_its_item(ministry, five):
    with frozen_at(at(60)):
        first = assert_ok(ministry.get("/applications?sort=updated_at&per_page=3"))
        [cursor] = parse_qs(urlsplit(first["next"]).query)["after"]
        assert cursor.endswith(f",{five[2].id}")
        body = assert_ok(
            ministry.get("/applications", query_string={"sort": "updated_at", "after": cursor})
        )
    assert (_ids(body), body["next"], body["total"]) == ([five[3].id, five[4].id], None, 5)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "created_at"}, "sort"),
        ({"changed_since": "gestern"}, "changed_since"),
        ({"changed_since": "2027-02-01T09:00:00"}, "changed_since"),  # no offset
        ({"changed_since": "2027-02-31T09:00:00Z"}, "changed_since"),
        ({"sort": "updated_at", "after": "42"}, "after"),
        ({"sort": "updated_at", "after": "2027-02-01T09:00:00Z,0"}, "after"),
        ({"sort": "updated_at", "after": "2027-02-01T09:00:00Z,x"}, "after"),
        ({"after": "2027-02-01T09:00:00Z,3"}, "after"),  # only with the ascending sort
        ({"sort": "updated_at", "after": "2027-02-01T09:00:00Z,3", "page": "2"}, "page"),
    ],
)
def test_bad_sync_parameters_are_422_naming_the_field(ministry, query, field):
    body = assert_problem(ministry.get("/applications", query_string=query), 422, "invalid")
    assert list(body["errors"]) == [field]
    assert body["errors"][field].startswith(("Bitte", "Diese", "„after“", "Mit"))
