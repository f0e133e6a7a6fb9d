"""Mentoring gaps are rows of the ministry's inbox: what, city, since, holder, a kind of its own."""

from sqlalchemy import select

from antrag.clock import now
from antrag.extensions import db
from antrag.inbox.ministry import Filters, inbox_rows
from antrag.mentoring.models import MentoringGap
from antrag.mentoring.operations import propose_for_gap


def _gap(world, make_application):
    """Approve Andernach's application while no mentor has room: a gap for the ministry."""
    world.users.mentor.mentor_capacity = 0
    db.session.commit()
    application = make_application("approved", municipality=world.andernach)
    gap = db.session.scalar(select(MentoringGap))
    assert gap is not None and gap.application_id == application.id
    return gap, application


def _rows(user, **filters):
    return inbox_rows(Filters(**filters), user, now(), [user.id], per_page=50)[0]


def test_a_gap_is_a_row_with_city_since_and_a_link_to_propose(world, make_application, web):
    gap, application = _gap(world, make_application)
    make_application("submitted")  # Speyer's, a task of another kind
    rows = {row.kind: row for row in _rows(world.users.reviewer)}
    row = rows["Mentoring-Lücke"]
    assert row.city == "Andernach"
    assert row.case.id == application.case_id
    assert row.since == gap.created_at and row.due_at is None and row.holder is None

    web.login(world.users.reviewer)
    page = web.get("/eingang/").get_data(as_text=True)
    assert "Mentorin oder Mentor vorschlagen" in page
    assert f'href="/mentoring/ministerium#gap-{gap.id}-title"' in page
    assert "Mentoring-Lücken</h2>" not in page  # no longer a list below the table
    assert page.count('<th scope="row">') == 2


def test_gaps_are_a_kind_of_their_own(world, make_application, web):
    _gap(world, make_application)
    make_application("submitted")
    assert [r.kind for r in _rows(world.users.reviewer, kind="mentoring_gap")] == [
        "Mentoring-Lücke"
    ]
    assert "Mentoring-Lücke" not in {r.kind for r in _rows(world.users.reviewer, kind="membership")}
    assert _rows(world.users.reviewer, overdue=True) == []  # a gap has no due date
    web.login(world.users.reviewer)
    page = web.get("/eingang/?kind=mentoring_gap").get_data(as_text=True)
    assert page.count('<th scope="row">') == 1
    assert '<option selected value="mentoring_gap">' in page or (
        'value="mentoring_gap" selected' in page
    )
    assert "1 Aufgabe gefunden." in page


def test_a_gap_can_be_claimed_and_is_filtered_by_city_and_holder(world, make_application, web):
    gap, application = _gap(world, make_application)
    reviewer = world.users.reviewer
    web.login(reviewer)
    response = web.post(f"/eingang/aufgaben/{application.case_id}/uebernehmen")
    assert response.status_code == 302
    db.session.expire_all()
    (row,) = _rows(reviewer, scope="mine")
    assert row.kind == "Mentoring-Lücke" and row.holder.id == reviewer.id
    assert _rows(reviewer, scope="unclaimed", kind="mentoring_gap") == []
    assert [r.city for r in _rows(reviewer, city=world.andernach.id)] == ["Andernach"]
    assert _rows(reviewer, city=world.speyer.id) == []
    page = web.get("/eingang/?city=ander").get_data(as_text=True)  # typed, any case
    assert "Andernach" in page and "Mentorin oder Mentor vorschlagen" in page


def test_a_resolved_gap_leaves_the_inbox(world, make_application):
    gap, _application = _gap(world, make_application)
    world.users.mentor.mentor_capacity = 1
    db.session.commit()
    propose_for_gap(world.users.reviewer, gap, world.users.mentor.id)
    db.session.commit()
    assert "Mentoring-Lücke" not in {r.kind for r in _rows(world.users.reviewer)}


def test_an_approved_case_without_a_gap_cannot_be_claimed(world, make_application, web):
    world.users.mentor.mentor_capacity = 1
    db.session.commit()
    application = make_application("approved")
    assert db.session.scalar(select(MentoringGap)) is None
    web.login(world.users.reviewer)
    response = web.post(f"/eingang/aufgaben/{application.case_id}/uebernehmen")
    assert response.status_code == 422
