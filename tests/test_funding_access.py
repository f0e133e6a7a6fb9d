"""Who may open the funding pages: role × page → status (404 for what one may not see)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from funding_support import final_notice, notice_of, proof_of

from antrag.clock import frozen_at
from antrag.extensions import db
from antrag.funding.operations import request_call_off

PAGES = {
    "list": "/bescheide/",
    "notice": "/bescheide/{notice}",
    "pdf": "/bescheide/{notice}/pdf",
    "call_off": "/bescheide/abrufe/{call_off}",
    "proof": "/bescheide/nachweise/{proof}",
    "review": "/bescheide/nachweise/{proof}/pruefung",
}
# role → expected status per page; "anonymous" is sent to the login page.
EXPECTED = {
    "anonymous": dict.fromkeys(PAGES, 302),
    # The city sees its proof but not the ministry's review form.
    "own_city": dict.fromkeys(PAGES, 200) | {"review": 403},
    "other_city": {"list": 200} | dict.fromkeys(list(PAGES)[1:], 404),
    "reviewer": dict.fromkeys(PAGES, 200),
    "mentor": {"list": 403} | dict.fromkeys(list(PAGES)[1:], 404),
    "admin": {"list": 403} | dict.fromkeys(list(PAGES)[1:], 404),
}
CASES = [(role, page, status) for role, row in EXPECTED.items() for page, status in row.items()]


@pytest.fixture
def funded(app, snapshots, make_application, world):
    """A final notice of Speyer with a call-off, built once per process (tests/snapshots.py)."""
    return snapshots.reuse(
        app, "funding_access.funded", lambda: _funded(make_application, world), _same, _same
    )


def _same(value):
    return value


def _funded(make_application, world):
    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, Decimal("1000.00"), None)
    db.session.commit()
    return {"notice": notice.id, "call_off": call_off.id, "proof": proof_of(notice).id}


def _user(world, role):
    return {
        "anonymous": None,
        "own_city": world.users.speyer,
        "other_city": world.users.andernach,
        "reviewer": world.users.reviewer2,
        "mentor": world.users.mentor,
        "admin": world.users.admin,
    }[role]


@pytest.mark.parametrize(("role", "page", "status"), CASES)
def test_role_may_open_page(world, funded, make_web, role, page, status):
    response = make_web(_user(world, role)).get(PAGES[page].format(**funded))
    assert response.status_code == status
    if role == "other_city" and page == "list":
        assert "DS-" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("other_city", "/bescheide/{notice}/aktion", 404),
        ("other_city", "/bescheide/{notice}/abrufe", 404),
        ("reviewer", "/bescheide/{notice}/abrufe", 403),
        ("other_city", "/bescheide/abrufe/{call_off}/aktion", 404),
        ("mentor", "/bescheide/nachweise/{proof}", 404),
        ("reviewer", "/bescheide/nachweise/{proof}", 403),
        ("other_city", "/bescheide/nachweise/{proof}/belege", 404),
        # Only a ministry reviewer reviews; the city only declares, the ministry never does.
        ("own_city", "/bescheide/nachweise/{proof}/pruefung", 403),
        ("other_city", "/bescheide/nachweise/{proof}/pruefung", 404),
        ("mentor", "/bescheide/nachweise/{proof}/pruefung", 404),
        ("admin", "/bescheide/nachweise/{proof}/pruefung", 404),
        ("reviewer", "/bescheide/nachweise/{proof}/belegliste", 403),
        ("reviewer", "/bescheide/nachweise/{proof}/mittel", 403),
        ("other_city", "/bescheide/nachweise/{proof}/belegliste", 404),
        ("other_city", "/bescheide/nachweise/{proof}/mittel", 404),
        ("mentor", "/bescheide/nachweise/{proof}/mittel", 404),
    ],
)
def test_role_may_not_post(world, funded, make_web, role, url, status):
    web = make_web(_user(world, role))
    response = web.post(url.format(**funded), {"trigger": "withdraw", "version": "1"})
    assert response.status_code == status


def test_no_pdf_before_the_notice_is_issued(make_application, world, make_web):
    notice = notice_of(make_application("approved"))
    assert make_web(world.users.speyer).get(f"/bescheide/{notice.id}/pdf").status_code == 404


def test_notice_list_shows_proof_due_dates_and_open_call_offs(make_application, world, make_web):
    notice = final_notice(make_application, world)
    request_call_off(world.users.speyer, notice, notice.amount / 3, None)
    db.session.commit()
    proof = proof_of(notice)
    with frozen_at(proof.case.due_at + timedelta(days=1)):  # log in when the page is read
        web = make_web(world.users.reviewer)
        page = web.get("/bescheide/").get_data(as_text=True)
    assert f"/bescheide/nachweise/{proof.id}" in page
    assert "überfällig" in page
    assert '<td class="numeric">1</td>' in page
