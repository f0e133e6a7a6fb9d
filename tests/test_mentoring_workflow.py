"""Mentoring end to end: proposal on approval, decline, next mentor, deadline, gap, completion."""

from datetime import UTC, date, datetime

import pytest
from mentoring_support import two_mentors
from sqlalchemy import select

from antrag import engine
from antrag.clock import frozen_at
from antrag.engine import timer
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.mentoring.models import MentoringAssignment, MentoringGap


@pytest.fixture
def mentors(world):
    """The world's mentor (administration topics) and a second one (education), 2 places each."""
    return two_mentors(world)


def assignments_of(application):
    return db.session.scalars(
        select(MentoringAssignment)
        .where(MentoringAssignment.application_id == application.id)
        .order_by(MentoringAssignment.attempt)
    ).all()


def mails(template):
    return sorted(
        db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.template == template)
        )
    )


def fire(assignment, trigger, actor, **kwargs):
    return engine.fire(
        assignment.case_id, trigger, actor, version=assignment.case.version, **kwargs
    )


def test_approval_proposes_the_best_mentor_with_a_deadline(mentors, make_application):
    first, _ = mentors
    application = make_application("approved")

    [assignment] = assignments_of(application)
    assert assignment.mentor_id == first.id  # topic match: Verwaltung
    assert assignment.case.state == "proposed"
    assert assignment.attempt == 1
    assert assignment.case.due_at is not None
    assert mails("mentor_proposed") == [first.email]


def test_decline_needs_a_reason_and_moves_on_to_the_next_mentor(mentors, make_application, world):
    first, second = mentors
    application = make_application("approved")
    [proposal] = assignments_of(application)

    with pytest.raises(engine.InvalidInput):
        fire(proposal, "decline", first)
    db.session.rollback()
    fire(proposal, "decline", first, comment="Keine Zeit bis Jahresende.")
    db.session.commit()

    old, new = assignments_of(application)
    assert old.case.state == "declined"
    assert (new.mentor_id, new.attempt, new.case.state) == (second.id, 2, "proposed")
    assert mails("mentor_declined") == sorted(
        [world.users.speyer.email, world.users.reviewer.email, world.users.reviewer2.email]
    )


def test_whole_life_through_the_web(mentors, make_application, make_web, world):
    first, second = mentors
    application = make_application("approved")
    [proposal] = assignments_of(application)
    web = make_web(first)
    assert "Speyer" in web.get("/mentoring").get_data(as_text=True)

    refused = web.post(
        f"/mentoring/zuordnungen/{proposal.id}/aktion",
        {"trigger": "decline", "version": proposal.case.version},
    )
    assert refused.status_code == 422
    assert "Bitte geben Sie eine Begründung der Absage an." in refused.get_data(as_text=True)
    web.post(
        f"/mentoring/zuordnungen/{proposal.id}/aktion",
        {"trigger": "decline", "version": proposal.case.version, "comment": "Ausgelastet."},
    )
    db.session.expire_all()
    _, nxt = assignments_of(application)
    url = f"/mentoring/zuordnungen/{nxt.id}"

    web2 = make_web(second)
    assert web2.post(url + "/aktion", {"trigger": "accept", "version": 1}).status_code == 302
    page = web2.get(url).get_data(as_text=True)
    assert "Auftakttermin" in page
    bad = web2.post(url + "/aktion", {"trigger": "kick_off", "version": 2, "kickoff_on": "31.02."})
    assert bad.status_code == 422
    assert "Format TT.MM.JJJJ" in bad.get_data(as_text=True)
    web2.post(url + "/aktion", {"trigger": "kick_off", "version": 2, "kickoff_on": "14.05.2027"})
    web2.post(url + "/aktion", {"trigger": "complete", "version": 3, "comment": "Gut gelaufen."})

    db.session.expire_all()
    done = db.session.get(MentoringAssignment, nxt.id)
    assert done.case.state == "completed"
    assert (done.kickoff_on, done.summary) == (date(2027, 5, 14), "Gut gelaufen.")
    assert mails("mentor_accepted") == sorted(
        [world.users.speyer.email, world.users.reviewer.email, world.users.reviewer2.email]
    )
    dashboard = web2.get("/mentoring").get_data(as_text=True)
    assert "Erledigt (1)" in dashboard
    assert "Abgeschlossen" in dashboard


def approve_at(moment, make_application, world):
    """Drive an application to the proposal, then let the second reviewer approve at `moment`."""
    application = make_application("proposed_approval")
    # The project starts after the approval day, so that it needs no early start.
    application.projects[0].period_start = moment.date()
    application.projects[0].period_end = max(application.projects[0].period_end, moment.date())
    version = application.case.version
    with frozen_at(moment):
        engine.fire(application.case_id, "approve", world.users.reviewer2, version=version)
        db.session.commit()
    return application


# Monday 3 May 2027; Ascension (6 May) and Whit Monday (17 May) are RLP holidays,
# so the ten working days end on Wednesday 19 May, not on Monday 17 May.
APPROVED = datetime(2027, 5, 3, 10, 0, tzinfo=UTC)


def test_unanswered_proposal_expires_after_ten_working_days(mentors, make_application, world):
    first, second = mentors
    application = approve_at(APPROVED, make_application, world)
    [proposal] = assignments_of(application)

    with frozen_at(datetime(2027, 5, 18, 12, 0, tzinfo=UTC)):
        assert timer.tick().fired == []
    with frozen_at(datetime(2027, 5, 19, 22, 30, tzinfo=UTC)):
        report = timer.tick()
        assert timer.tick().fired == []

    assert report.fired == [(proposal.case_id, "expire")]
    db.session.expire_all()
    old, new = assignments_of(application)
    assert old.case.state == "expired"
    assert (new.mentor_id, new.case.state) == (second.id, "proposed")


def test_no_mentor_left_flags_a_gap_for_the_ministry(mentors, make_application, make_web, world):
    first, second = mentors
    second.mentor_capacity = 0
    db.session.commit()
    application = make_application("approved")
    [proposal] = assignments_of(application)
    fire(proposal, "decline", first, comment="Kein passendes Thema.")
    db.session.commit()

    gap = db.session.scalar(select(MentoringGap))
    assert gap.application_id == application.id and gap.resolved_at is None
    page = make_web(world.users.reviewer).get("/mentoring/ministerium").get_data(as_text=True)
    assert "Ohne Mentoring (1)" in page
    assert "markiert" in page


def test_ministry_proposes_a_mentor_for_a_gap(mentors, make_application, make_web, world):
    first, second = mentors
    first.mentor_capacity = second.mentor_capacity = 0
    db.session.commit()
    application = make_application("approved")
    gap = db.session.scalar(select(MentoringGap))
    web = make_web(world.users.reviewer)
    url = f"/mentoring/ministerium/luecken/{gap.id}"

    full = web.post(url, {f"gap-{gap.id}-mentor": second.id})
    assert full.status_code == 422
    assert "keine freie Kapazität" in full.get_data(as_text=True)
    empty = web.post(url, {f"gap-{gap.id}-mentor": ""})
    assert "Bitte wählen Sie eine Mentorin oder einen Mentor." in empty.get_data(as_text=True)

    second.mentor_capacity = 1
    db.session.commit()
    assert web.post(url, {f"gap-{gap.id}-mentor": second.id}).status_code == 302
    db.session.expire_all()
    [assignment] = assignments_of(application)
    assert assignment.mentor_id == second.id
    assert db.session.get(MentoringGap, gap.id).resolved_at is not None


def test_a_full_mentor_with_one_place_is_refused_in_the_singular(
    mentors, make_application, make_web, world
):
    first, second = mentors
    first.mentor_capacity = second.mentor_capacity = 0
    db.session.commit()
    web = make_web(world.users.reviewer)
    answers = []
    for city in (world.speyer, world.andernach):  # the first fills the one place
        make_application("approved", city)
        second.mentor_capacity = 1
        db.session.commit()
        gap = db.session.scalar(select(MentoringGap).where(MentoringGap.resolved_at.is_(None)))
        url = f"/mentoring/ministerium/luecken/{gap.id}"
        answers.append(web.post(url, {f"gap-{gap.id}-mentor": second.id}))
    assert [a.status_code for a in answers] == [302, 422]
    assert "(1 von 1 Mentoring belegt)" in answers[1].get_data(as_text=True)


def test_mentor_is_reminded_once_before_the_answer_is_due(mentors, make_application, world):
    first, _ = mentors
    approve_at(APPROVED, make_application, world)

    with frozen_at(datetime(2027, 5, 18, 8, 0, tzinfo=UTC)):
        timer.tick()
        timer.tick()

    assert mails("mentor_reminder") == [first.email]
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.template == "mentor_reminder")
    )
    assert "19.05.2027" in body


def test_dashboard_highlights_an_overdue_proposal(mentors, make_application, make_web, world):
    approve_at(APPROVED, make_application, world)

    # Each look is a fresh login: a session does not outlive its time-outs.
    with frozen_at(datetime(2027, 5, 19, 12, 0, tzinfo=UTC)):
        on_time = make_web(mentors[0]).get("/mentoring").get_data(as_text=True)
    with frozen_at(datetime(2027, 5, 20, 12, 0, tzinfo=UTC)):
        late = make_web(mentors[0]).get("/mentoring").get_data(as_text=True)

    assert "19.05.2027" in on_time and "überfällig" not in on_time
    assert 'class="overdue"' in late and "überfällig" in late


def test_a_decline_after_the_ministrys_proposal_reopens_the_same_gap(
    mentors, make_application, world
):
    from antrag.mentoring.operations import propose_for_gap

    first, second = mentors
    first.mentor_capacity = second.mentor_capacity = 0
    db.session.commit()
    application = make_application("approved")
    gap = db.session.scalar(select(MentoringGap))
    second.mentor_capacity = 1
    db.session.commit()
    with frozen_at(datetime(2027, 5, 18, 9, 0, tzinfo=UTC)):
        assignment = propose_for_gap(world.users.reviewer, gap, second.id)
    db.session.commit()
    assert assignment.attempt == 1
    assert gap.resolved_at == datetime(2027, 5, 18, 9, 0, tzinfo=UTC)

    declined_at = datetime(2027, 5, 19, 10, 0, tzinfo=UTC)
    with frozen_at(declined_at):
        fire(assignment, "decline", second, comment="Keine Zeit.")
    # Seen through the session that already holds the gap, before the commit.
    assert (gap.created_at, gap.resolved_at) == (declined_at, None)
    db.session.commit()

    [reopened] = db.session.scalars(select(MentoringGap)).all()
    assert (reopened.id, reopened.application_id) == (gap.id, application.id)
    assert (reopened.created_at, reopened.resolved_at) == (declined_at, None)
    assert [a.attempt for a in assignments_of(application)] == [1]
