"""Reads drawn with an API transition's load (`antrag/engine/prefetch.py`, issue 14).

On PostgreSQL the statement that loads the subject of an API transition also draws what the
named trigger's guards, effects and mail read: the proposer (four eyes), the city's other
open applications, the mail's recipients and the mentors' loads. A prefetch saves round
trips and must never change an answer: what the load drew is what each reader reads on its
own, a user changed after the load is read again, and nothing outlives the transaction.
"""

import pytest
from api_support import BASE, Api, assert_problem, token_for
from conftest import PASSWORD
from databases import on_postgres
from mentoring_support import two_mentors
from sql_support import counted_statements
from sqlalchemy import select, text

from antrag import engine
from antrag.accounts.operations import create_user
from antrag.api.inputs import get_visible
from antrag.api.resources import BY_NAME
from antrag.applications.models import Application
from antrag.applications.rules import _other_open_applications
from antrag.engine import guards, prefetch
from antrag.engine.reads import columns
from antrag.extensions import db
from antrag.funding.models import FundingNotice
from antrag.mail import outbox
from antrag.mentoring import operations
from antrag.mentoring.models import MentoringAssignment

PG_ONLY = pytest.mark.skipif(
    not on_postgres(),
    reason="only PostgreSQL draws the reads with the load (SQLite reads in process)",
)
APPLICATIONS = BY_NAME["application"]


def _names(model, workflow, trigger) -> list[str]:
    return [p.name for p in prefetch.for_trigger(model, workflow, trigger)]


def _load(application, trigger, user):
    """Load `application` as the API's transition does (the session holds no copy of it)."""
    application_id = application.id
    db.session.commit()
    db.session.expunge(application)
    reads = prefetch.for_trigger(Application, "membership", trigger)
    return get_visible(
        Application,
        application_id,
        user,
        APPLICATIONS.detail_options,
        transition=True,
        reads=reads,
    )


def _drawn(key):
    return prefetch.noted(key)


def test_the_reads_of_a_trigger_are_those_its_transitions_declare(app):
    assert _names(Application, "membership", "approve") == [
        "mail_group_applicant",
        "mentor_candidates",
        "others_open",
        "proposer",
    ]
    assert _names(Application, "membership", "propose_approval") == ["mail_group_reviewers"]
    assert _names(Application, "membership", "start_review") == []  # no guard, effect or mail reads
    # A read that does not apply to a subject draws nothing for it.
    from antrag.applications.rules import OTHERS_OPEN

    assert prefetch.columns(FundingNotice, (OTHERS_OPEN,)) == ()
    assert len(prefetch.columns(Application, (OTHERS_OPEN,))) == 1
    # A notice's mail to the city is drawn as an application's is.
    assert _names(FundingNotice, "funding_notice", "issue") == ["mail_group_applicant"]
    # A trigger nobody declares draws nothing and is not remembered (requests name anything).
    assert prefetch.for_trigger(Application, "membership", "no-such-trigger") == ()
    from antrag.engine import workflows

    memo = workflows().memo.get("antrag.prefetches", {})
    assert (Application, "membership", "no-such-trigger") not in memo


def test_noted_values_end_with_their_transaction(app):
    db.session.execute(select(1))  # values are noted in a transaction (that of the load)
    prefetch.note(("probe", 1), 42)
    assert prefetch.noted(("probe", 1)) == 42
    db.session.commit()
    assert prefetch.noted(("probe", 1)) is prefetch.MISSING
    db.session.execute(select(1))
    prefetch.note(("probe", 1), 42)
    db.session.rollback()
    assert prefetch.noted(("probe", 1)) is prefetch.MISSING
    prefetch.note(("probe", 1), 42)
    assert prefetch.noted(("probe", 1), take=True) == 42
    assert prefetch.noted(("probe", 1)) is prefetch.MISSING  # taken: read once only


def test_a_user_written_after_the_load_is_read_again(make_application, world):
    application = make_application("proposed_approval")
    found = _load(application, "approve", world.users.reviewer2)
    speyer = world.users.speyer
    before = outbox.group("applicant", found.municipality_id)
    assert [r.email for r in before] == [speyer.email]

    db.session.merge(speyer).active = False  # deactivated in the same transaction
    assert outbox.group("applicant", found.municipality_id) == []


@PG_ONLY
def test_what_the_load_draws_is_what_the_readers_read(make_application, world, earlier_proposal):
    application = make_application("proposed_approval")  # proposed by `reviewer`
    colleague, gone = (
        create_user(
            email=email, name=name, role="applicant", password=PASSWORD, municipality_ags="07318000"
        )
        for email, name in (("zweite@speyer.de", "Zweite"), ("ehemals@speyer.de", "Ehemals"))
    )
    gone.active = False
    two_mentors(world)
    earlier_proposal(application)

    found = _load(application, "approve", world.users.reviewer2)
    case = found.case
    drawn = {
        "proposer": db.session.info[guards._MOVERS][(case.id, case.version)],
        "others": _drawn(("others_open", found.id)),
        "city": _drawn(("mail_group", "applicant", found.municipality_id)),
        "mentors": _drawn(("mentor_candidates", found.id)),
    }
    db.session.rollback()  # forget what was drawn: the readers read on their own
    read = {
        "proposer": columns(
            guards._newest_mover(), {"case_id": case.id, "state": case.state}
        ).scalar(),
        "others": columns(
            _other_open_applications(),
            {"round_id": found.round_id, "municipality_id": found.municipality_id, "id": found.id},
        ).scalar(),
        "city": outbox.group("applicant", found.municipality_id),
        "mentors": operations._candidates(found),
    }
    assert drawn["proposer"] == read["proposer"] == world.users.reviewer.id
    assert drawn["others"] == read["others"] == 0
    assert drawn["city"] == read["city"]
    assert [r.email for r in drawn["city"]] == [world.users.speyer.email, colleague.email]
    rows, proposals = read["mentors"]
    assert drawn["mentors"] == ([operations.Candidate(*r[:6]) for r in rows], proposals)
    assert len(rows) == 2 and proposals == 1
    assert [(c.id, c.active_assignments, c.tried) for c in drawn["mentors"][0]] == [
        (world.users.mentor.id, 1, True),
        (rows[1].id, 0, False),
    ]


@pytest.fixture
def earlier_proposal(world):
    """Called with an application: the world's mentor was proposed for it once already."""

    def propose(application):
        operations.propose(application, world.users.mentor, world.users.reviewer)
        db.session.commit()

    return propose


@PG_ONLY
def test_mentor_candidates_of_an_application_proposed_before(
    make_application, world, earlier_proposal
):
    application = make_application("proposed_approval")
    two_mentors(world)
    earlier_proposal(application)

    found = _load(application, "approve", world.users.reviewer2)
    rows, proposals = _drawn(("mentor_candidates", found.id))
    assert proposals == 1
    assert [(c.id, c.tried, c.active_assignments) for c in rows][0] == (
        world.users.mentor.id,
        True,
        1,
    )
    db.session.rollback()
    assert operations._candidates(found)[1] == 1


def test_an_approval_through_the_api_proposes_the_mentor_the_engine_would(
    client, make_application, world, earlier_proposal
):
    """The world's mentor was tried: the approval proposes the second, as its second try."""
    application = make_application("proposed_approval")
    _, second = two_mentors(world)
    earlier_proposal(application)
    api = Api(client, token_for(world.users.reviewer2))

    response = api.fire(f"/applications/{application.id}", "approve", application.case.version)

    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    proposed = db.session.scalars(
        select(MentoringAssignment)
        .where(MentoringAssignment.application_id == application.id)
        .order_by(MentoringAssignment.attempt)
    ).all()
    assert [(a.mentor_id, a.attempt) for a in proposed] == [
        (world.users.mentor.id, 1),
        (second.id, 2),
    ]


@pytest.mark.parametrize("who, status", [("reviewer", 422), ("reviewer2", 200)])
def test_four_eyes_through_the_api_with_the_proposer_drawn(
    client, make_application, world, who, status
):
    application = make_application("proposed_approval")  # proposed by `reviewer`
    api = Api(client, token_for(getattr(world.users, who)))

    response = api.fire(f"/applications/{application.id}", "approve", application.case.version)

    if status == 422:
        assert assert_problem(response, 422, "guard")["guard"] == "four_eyes"
    else:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == "approved"


def test_another_open_application_of_the_city_refuses_the_approval(client, make_application, world):
    """Two applications of a city in one round from before the round slot: the second's
    approval is refused, drawn or read (`single_open_application`)."""
    application = make_application("proposed_approval")
    application.holds_round_slot = None  # set up directly: the slot is newer than both
    db.session.flush()
    older = Application(round=world.round, municipality=world.speyer, created_by=world.users.speyer)
    case = engine.start("membership", older, world.users.speyer)
    case.state = "in_review"
    older.holds_round_slot = None
    db.session.flush()
    application.holds_round_slot = True
    db.session.commit()
    api = Api(client, token_for(world.users.reviewer2))

    with counted_statements() as sent:
        response = api.fire(f"/applications/{application.id}", "approve", application.case.version)

    assert assert_problem(response, 422, "guard")["guard"] == "single_open_application"
    separate = [s for s in sent if s.lstrip().startswith("SELECT count(*)")]
    assert len(separate) == (0 if on_postgres() else 1)


def test_the_body_is_still_checked_after_the_load(client, make_application, world):
    """Peeking at the trigger changes nothing about the answers: 404 before a bad body."""
    api = Api(client, token_for(world.users.reviewer2))
    response = api.client.post(
        f"{BASE}/applications/999999/transitions",
        data="{not json",
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 404
    application = make_application("proposed_approval")
    response = api.client.post(
        f"{BASE}/applications/{application.id}/transitions",
        json=["approve"],
        headers=api.headers,
    )
    assert_problem(response, 400)


def _more_projects_and_attachments(application) -> None:
    """Give `application` three projects and three attachments: its load joins nine rows."""
    from antrag.applications.models import Attachment, Project

    for position in (2, 3):
        db.session.add(
            Project(application=application, position=position, title=f"Projekt {position}")
        )
    paper = application.attachments[0]
    for n in (2, 3):
        db.session.add(
            Attachment(
                application=application,
                kind="other",
                original_name=f"Anlage {n}.pdf",
                stored_name=f"{paper.stored_name[:60]}-{n}",
                content_type=paper.content_type,
                size=paper.size,
                sha256=paper.sha256,
                uploaded_by_id=paper.uploaded_by_id,
            )
        )
    db.session.commit()


@PG_ONLY
def test_a_load_with_several_rows_draws_once(make_application, world):
    """Projects and attachments are joined (one row each pair): the seq and the reads are
    drawn once for the subject, not per row (`inputs._by_id_drawing`)."""
    application = make_application("proposed_approval")
    _more_projects_and_attachments(application)
    last_seq = text("SELECT last_value FROM history_entry_seq")
    before = db.session.scalar(last_seq)

    found = _load(application, "approve", world.users.reviewer2)

    assert (len(found.projects), len(found.attachments)) == (3, 3)  # nine joined rows
    assert db.session.scalar(last_seq) == before + 1
    assert _drawn(("others_open", found.id)) == 0


@pytest.mark.parametrize(
    "state, who, trigger",
    [("submitted", "reviewer", "start_review"), ("proposed_approval", "reviewer2", "approve")],
)
def test_an_application_with_several_projects_and_attachments_moves(
    client, make_application, world, state, who, trigger
):
    """A bug found in this round: with the seq drawn in the load's select list, each joined
    row drew its own, the rows were no longer one, and PostgreSQL answered 500."""
    application = make_application(state)
    _more_projects_and_attachments(application)
    api = Api(client, token_for(getattr(world.users, who)))

    response = api.fire(f"/applications/{application.id}", trigger, application.case.version)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert len(response.get_json()["projects"]) == 3
