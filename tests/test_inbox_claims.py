"""Claims, hand-overs, stand-ins by date and escalation across a holiday."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from antrag.clock import frozen_at, now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.inbox import claims
from antrag.inbox.escalation import escalation_cutoff
from antrag.inbox.ministry import Filters, inbox_rows
from antrag.inbox.models import StandIn, TaskClaim, TaskClaimEvent


def _mine(user, day=None):
    day = day or now().astimezone(BERLIN).date()
    holders = [user.id, *claims.stands_for(user, day)]
    return inbox_rows(Filters(scope="mine"), user, now(), holders, per_page=100)[0]


def _events(case_id):
    return [
        (e.action, e.previous_holder_id, e.holder_id)
        for e in db.session.scalars(
            select(TaskClaimEvent)
            .where(TaskClaimEvent.case_id == case_id)
            .order_by(TaskClaimEvent.id)
        )
    ]


@pytest.fixture
def task(make_application):
    return make_application("submitted").case


def test_claim_release_and_hand_over_are_recorded(world, task, web, make_web):
    anna, ben = world.users.reviewer, world.users.reviewer2
    web.login(anna)
    assert web.post(f"/eingang/aufgaben/{task.id}/uebernehmen").status_code == 302
    assert [r.case.id for r in _mine(anna)] == [task.id]
    response = web.post(f"/eingang/aufgaben/{task.id}/weitergeben", {"holder": ben.id})
    assert response.status_code == 302
    assert _mine(anna) == [] and [r.case.id for r in _mine(ben)] == [task.id]
    assert web.post(f"/eingang/aufgaben/{task.id}/freigeben").status_code == 409  # Ben's now
    ben_web = make_web(ben)
    ben_web.get("/eingang/")
    assert ben_web.post(f"/eingang/aufgaben/{task.id}/freigeben").status_code == 302
    assert db.session.scalar(select(TaskClaim).where(TaskClaim.case_id == task.id)) is None
    assert _events(task.id) == [
        ("claim", None, anna.id),
        ("hand_over", anna.id, ben.id),
        ("release", ben.id, None),
    ]
    assert task.state == "submitted"  # a claim is not a state change
    assert [e.trigger for e in task.history] == ["start", "submit"]


def test_a_task_held_by_someone_else_is_a_409(world, task, web):
    claims.claim(world.users.reviewer2, task.id)
    db.session.commit()
    web.login(world.users.reviewer)
    response = web.post(f"/eingang/aufgaben/{task.id}/uebernehmen")
    assert response.status_code == 409
    assert "bereits übernommen" in response.get_data(as_text=True)


def test_hand_over_only_to_an_active_reviewer(world, task, web):
    web.login(world.users.reviewer)
    for someone in (world.users.speyer, world.users.mentor):
        response = web.post(f"/eingang/aufgaben/{task.id}/weitergeben", {"holder": someone.id})
        assert response.status_code == 422
    world.users.reviewer2.active = False
    db.session.commit()
    response = web.post(
        f"/eingang/aufgaben/{task.id}/weitergeben", {"holder": world.users.reviewer2.id}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(TaskClaim)) is None


def test_a_case_not_waiting_for_the_ministry_cannot_be_claimed(world, make_application, web):
    draft = make_application("changes_requested").case
    web.login(world.users.reviewer)
    assert web.post(f"/eingang/aufgaben/{draft.id}/uebernehmen").status_code == 422
    assert web.post("/eingang/aufgaben/999999/uebernehmen").status_code == 404


def test_the_database_refuses_a_second_claim_row(world, task):
    from sqlalchemy.exc import IntegrityError

    db.session.add(TaskClaim(case_id=task.id, holder_id=world.users.reviewer.id))
    db.session.commit()
    db.session.add(TaskClaim(case_id=task.id, holder_id=world.users.reviewer2.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_stand_in_sees_the_absent_colleagues_tasks_only_in_the_period(world, task, web, make_web):
    anna, ben = world.users.reviewer, world.users.reviewer2
    claims.claim(ben, task.id)
    db.session.commit()
    with frozen_at(datetime(2027, 3, 1, 9, tzinfo=BERLIN)):
        web.login(anna)
        response = web.fill(
            "/eingang/vertretungen",
            {"absent": ben.id, "stand_in": anna.id, "starts_on": "08.03.2027",
             "ends_on": "12.03.2027"},
        )  # fmt: skip
        assert response.status_code == 302
        assert _mine(anna) == []
    with frozen_at(datetime(2027, 3, 8, 9, tzinfo=BERLIN)):
        assert [r.case.id for r in _mine(anna)] == [task.id]
        web = make_web(anna)
        page = web.get("/eingang/?scope=mine").get_data(as_text=True)
        assert "in Vertretung" in page
        # the stand-in may give the task back
        assert web.post(f"/eingang/aufgaben/{task.id}/freigeben").status_code == 302
    claims.claim(ben, task.id)
    db.session.commit()
    with frozen_at(datetime(2027, 3, 13, 9, tzinfo=BERLIN)):
        assert _mine(anna) == []


def test_stand_in_form_reports_all_errors(world, web):
    web.login(world.users.reviewer)
    response = web.fill(
        "/eingang/vertretungen",
        {"absent": world.users.reviewer.id, "stand_in": world.users.reviewer.id,
         "starts_on": "12.03.2027", "ends_on": "08.03.2027"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Niemand kann sich selbst vertreten." in page
    assert "Das Ende darf nicht vor dem Beginn liegen." in page
    assert db.session.scalar(select(StandIn)) is None


def test_escalation_counts_rhineland_palatinate_working_days():
    # Due Tuesday 25 May 2027; Corpus Christi (Thursday 27 May) is a holiday in RLP.
    assert escalation_cutoff(date(2027, 6, 1), 5) < date(2027, 5, 25)
    assert escalation_cutoff(date(2027, 6, 2), 5) == date(2027, 5, 25)
    # Without a holiday in between: five working days later (Tue 2 Mar -> Tue 9 Mar).
    assert escalation_cutoff(date(2027, 3, 9), 5) == date(2027, 3, 2)


def test_escalated_tasks_show_for_the_head_of_unit(world, task, make_web):
    task.due_at = datetime.combine(date(2027, 5, 25), time(23, 59, 59), tzinfo=BERLIN)
    world.users.reviewer.lead = True
    db.session.commit()
    with frozen_at(datetime(2027, 6, 1, 9, tzinfo=BERLIN)):
        web = make_web(world.users.reviewer)
        page = web.get("/eingang/").get_data(as_text=True)
        assert "Eskaliert:" not in page and "überfällig" in page
        assert "Keine Aufgaben gefunden" in web.get("/eingang/?escalated=y").get_data(as_text=True)
    with frozen_at(datetime(2027, 6, 2, 9, tzinfo=BERLIN)):
        web = make_web(world.users.reviewer)
        page = web.get("/eingang/").get_data(as_text=True)
        assert "Eskaliert:" in page and "eskaliert" in page
        assert "1 Aufgabe gefunden" in web.get("/eingang/?escalated=y").get_data(as_text=True)
        world.users.reviewer.lead = False
        db.session.commit()
        assert "Eskaliert:" not in web.get("/eingang/").get_data(as_text=True)


def test_admin_sets_the_lead_flag_and_the_record_watches_it(world, web):
    from antrag.audit.models import AdminRecord

    web.login(world.users.admin)
    anna = world.users.reviewer
    form = web.get(f"/verwaltung/konten/{anna.id}/bearbeiten").get_data(as_text=True)
    assert 'name="lead"' in form
    data = {"name": anna.name, "role": "reviewer", "municipality": "", "active": "y",
            "organisation": anna.organisation, "lead": "y", "function": anna.function,
            "unit": anna.unit, "phone": anna.phone, "mentor_capacity": "0"}  # fmt: skip
    response = web.post(f"/verwaltung/konten/{anna.id}/bearbeiten", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(anna)
    assert anna.lead is True
    fields = [r.field for r in db.session.scalars(select(AdminRecord))]
    assert "lead" in fields
