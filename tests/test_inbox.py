"""The ministry's inbox: rows per kind, four eyes, signing authority, filters, bounded queries."""

from decimal import Decimal

import pytest
from conftest import extra_round
from funding_support import final_notice, issued_notice, notice_of
from sql_support import counted_statements

from antrag.clock import now
from antrag.extensions import db
from antrag.funding.operations import request_call_off
from antrag.inbox.ministry import Filters, inbox_rows
from antrag.inbox.waiting import waiting_states


def _rows(user, **filters):
    return inbox_rows(Filters(**filters), user, now(), [user.id], per_page=100)[0]


def _kinds(user, **filters) -> set[tuple[str, str]]:
    return {(row.case.workflow, row.case.state) for row in _rows(user, **filters)}


def test_waiting_states_are_derived_from_the_definitions(app):
    states = {(s.workflow, s.state) for s in waiting_states("reviewer")}
    assert ("membership", "submitted") in states
    assert ("membership", "proposed_approval") in states
    assert ("call_off", "checked") in states
    assert ("funding_notice", "drafted") in states
    assert ("membership", "draft") not in states  # the city's alone
    assert ("membership", "changes_requested") not in states  # waits for the city
    city = {(s.workflow, s.state) for s in waiting_states("applicant")}
    assert ("funding_notice", "issued") in city and ("proof_of_use", "due") in city
    assert {s.state for s in waiting_states("mentor")} == {"proposed", "accepted", "active"}


def test_a_world_of_cases_shows_one_row_per_waiting_case(world, make_application):
    for state in ("draft", "submitted", "in_review", "changes_requested", "proposed_rejection"):
        make_application(state, municipality=world.andernach, round_=_round(world))
    shown = _kinds(world.users.reviewer2)
    assert ("membership", "submitted") in shown
    assert ("membership", "in_review") in shown
    assert ("membership", "proposed_rejection") in shown
    assert ("membership", "draft") not in shown
    assert ("membership", "changes_requested") not in shown


def test_own_proposals_are_left_out_four_eyes(world, make_application):
    make_application("proposed_approval")  # proposed by reviewer
    assert ("membership", "proposed_approval") not in _kinds(world.users.reviewer)
    assert ("membership", "proposed_approval") in _kinds(world.users.reviewer2)


def test_own_checked_call_off_is_left_out(world, make_application):
    from funding_support import act

    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, Decimal("1000.00"), None)
    db.session.commit()
    assert ("call_off", "requested") in _kinds(world.users.reviewer)
    act(call_off, "check", world.users.reviewer)
    assert ("call_off", "checked") not in _kinds(world.users.reviewer)
    assert ("call_off", "checked") in _kinds(world.users.reviewer2)


def test_notices_to_issue_only_for_signing_authority(world, make_application):
    notice_of(make_application("approved"))
    assert ("funding_notice", "drafted") not in _kinds(world.users.reviewer)
    world.users.reviewer.can_sign = True
    db.session.commit()
    assert ("funding_notice", "drafted") in _kinds(world.users.reviewer)


def test_rows_say_what_which_city_and_link_to_the_subject(world, make_application, web):
    make_application("submitted", municipality=world.andernach)
    (row,) = _rows(world.users.reviewer)
    assert row.what == "Prüfung beginnen" or row.what
    assert row.city == "Andernach"
    assert row.holder is None
    web.login(world.users.reviewer)
    page = web.get("/eingang/").get_data(as_text=True)
    assert "Andernach" in page
    assert f"/antraege/{row.subject.id}" in page


def test_filters_kind_city_overdue(world, make_application):
    make_application("submitted", municipality=world.andernach)
    make_application("submitted")
    reviewer = world.users.reviewer
    assert len(_rows(reviewer)) == 2
    assert [r.city for r in _rows(reviewer, city=world.andernach.id)] == ["Andernach"]
    assert _rows(reviewer, kind="call_off") == []
    assert _rows(reviewer, overdue=True) == []


def test_the_page_is_the_reviewers_start_page(world, web):
    web.login(world.users.reviewer)
    response = web.get("/")
    assert response.headers["Location"].endswith("/eingang/")


@pytest.mark.parametrize("count", [2, 8])
def test_queries_per_page_do_not_grow_with_rows(world, make_application, web, count):
    notice = issued_notice(make_application, world)  # one more kind on the page
    assert notice is not None
    for _ in range(count):
        make_application("submitted", municipality=world.andernach, round_=_round(world))
    web.login(world.users.reviewer)
    with counted_statements() as statements:
        assert web.get("/eingang/").status_code == 200
    assert len(statements) <= 16, statements


ROUND_NAMES = iter(range(10**6))


def _round(world):
    return extra_round(world, f"Runde {next(ROUND_NAMES)}")
