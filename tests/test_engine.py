"""The engine's one door: every membership transition allowed, and every way it is refused."""

import pytest
from engine_support import MEMBERSHIP, actor_for, fire
from sql_support import counted_statements
from sqlalchemy import func, select, update

from antrag import engine
from antrag.engine import (
    EngineError,
    InvalidInput,
    NotAllowed,
    NotVisible,
    StaleVersion,
    UnknownAction,
    WrongState,
)
from antrag.engine.models import Case, ChainHead, HistoryEntry
from antrag.extensions import db

ROLES = ("applicant", "reviewer", "mentor", "admin", "system")
# States the ministry cannot see: the city has not submitted (STEPS withdraws from draft).
UNSUBMITTED = ("draft", "withdrawn")


def snapshot(case_id) -> tuple:
    """Return everything a transition writes, read fresh from the database."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    head = db.session.get(ChainHead, 1)
    entries = db.session.scalar(select(func.count()).select_from(HistoryEntry))
    return (case.state, case.version, case.due_at, case.assignee_id, entries, head.seq, head.hash)


ALLOWED = [(t.trigger, source) for t in MEMBERSHIP.transitions for source in t.sources]


@pytest.mark.parametrize(("trigger", "source"), ALLOWED)
def test_transition_is_allowed_from_each_source(make_application, world, trigger, source):
    application = make_application(source)
    if trigger.endswith("_early_start"):  # decided only when the city requested it
        application.early_start_requested = True
    transition = MEMBERSHIP.transition(trigger)
    seen = application.case.version

    ctx = fire(application, trigger, actor_for(world, transition.roles[0]))

    assert application.case.state == transition.dest
    assert application.case.version == seen + 1
    assert (ctx.entry.trigger, ctx.entry.from_state, ctx.entry.to_state) == (
        trigger,
        source,
        transition.dest,
    )


WRONG_STATE = [
    (t.trigger, state)
    for t in MEMBERSHIP.transitions
    for state in MEMBERSHIP.states
    if state not in t.sources and ("applicant" in t.roles or state not in UNSUBMITTED)
]


@pytest.mark.parametrize(("trigger", "state"), WRONG_STATE)
def test_transition_from_another_state_is_a_conflict(make_application, world, trigger, state):
    application = make_application(state)
    role = MEMBERSHIP.transition(trigger).roles[0]

    with pytest.raises(WrongState) as refused:
        fire(application, trigger, actor_for(world, role))

    assert refused.value.status == 409


def _wrong_role_expectation(role, source):
    """Mentors, admins and the ministry before submission cannot even see the case."""
    if role in ("mentor", "admin") or (role == "reviewer" and source in UNSUBMITTED):
        return NotVisible
    return NotAllowed


WRONG_ROLE = [
    (t.trigger, source, role, _wrong_role_expectation(role, source))
    for t in MEMBERSHIP.transitions
    for source in t.sources
    for role in ROLES
    if role not in t.roles
]


@pytest.mark.parametrize(("trigger", "source", "role", "expected"), WRONG_ROLE)
def test_role_not_declared_is_refused(make_application, world, trigger, source, role, expected):
    application = make_application(source)

    with pytest.raises(expected) as refused:
        fire(application, trigger, actor_for(world, role))

    assert refused.value.status == {NotAllowed: 403, NotVisible: 404}[expected]


@pytest.mark.parametrize("trigger", [t.trigger for t in MEMBERSHIP.transitions])
def test_other_citys_applicant_cannot_see_the_case(make_application, world, trigger):
    application = make_application(MEMBERSHIP.transition(trigger).sources[0])

    with pytest.raises(NotVisible) as refused:
        fire(application, trigger, world.users.andernach)

    assert refused.value.status == 404


REQUIRES_COMMENT = [t.trigger for t in MEMBERSHIP.transitions if t.comment == "required"]


@pytest.mark.parametrize("comment", [None, "   "])
@pytest.mark.parametrize("trigger", REQUIRES_COMMENT)
def test_missing_required_comment_is_invalid(make_application, world, trigger, comment):
    application = make_application(MEMBERSHIP.transition(trigger).sources[0])

    with pytest.raises(InvalidInput) as refused:
        fire(application, trigger, world.users.reviewer2, comment=comment)

    assert set(refused.value.errors) == {"comment"}
    assert refused.value.status == 422


def test_undeclared_input_is_invalid(make_application, world):
    application = make_application("in_review")

    with pytest.raises(InvalidInput) as refused:
        fire(application, "propose_rejection", world.users.reviewer2, inputs={"amount": "1"})

    assert "amount" in refused.value.errors


@pytest.mark.parametrize("offset", [-1, 1])
def test_stale_version_is_refused(make_application, world, offset):
    application = make_application("in_review")

    with pytest.raises(StaleVersion) as refused:
        fire(
            application,
            "propose_rejection",
            world.users.reviewer2,
            version=application.case.version + offset,
        )

    assert refused.value.status == 409


def test_losing_the_compare_and_set_is_stale(make_application, world):
    application = make_application("in_review")
    seen = application.case.version  # loaded into the session
    with db.engine.begin() as other:  # someone else acts on a second connection
        other.execute(
            update(Case).where(Case.id == application.case_id).values(version=Case.version + 1)
        )

    with pytest.raises(StaleVersion):
        fire(application, "propose_rejection", world.users.reviewer2, version=seen)


@pytest.mark.parametrize(
    "trigger", ["to_approved", "to_draft", "to_in_review", "approve_all", "trigger", ""]
)
def test_undeclared_trigger_is_unknown(make_application, world, trigger):
    application = make_application("in_review")

    with pytest.raises(UnknownAction):
        fire(application, trigger, world.users.reviewer2)


REFUSALS = {
    "wrong_state": ("approved", "withdraw", "speyer", "Grund."),
    "wrong_role": ("in_review", "request_changes", "speyer", "Bitte ändern."),
    "missing_comment": ("in_review", "request_changes", "reviewer2", None),
    "four_eyes": ("proposed_approval", "approve", "reviewer", None),
    "unknown": ("in_review", "to_approved", "reviewer2", None),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_refused_transition_writes_nothing(make_application, world, refusal):
    state, trigger, who, comment = REFUSALS[refusal]
    application = make_application(state)
    before = snapshot(application.case_id)

    with pytest.raises(EngineError):
        fire(application, trigger, getattr(world.users, who), comment=comment)
    db.session.commit()  # anything the engine wrote before refusing would now be stored

    assert snapshot(application.case_id) == before


def test_stale_transition_writes_nothing(make_application, world):
    application = make_application("in_review")
    before = snapshot(application.case_id)
    stale = application.case.version - 1

    with pytest.raises(StaleVersion):
        fire(application, "propose_rejection", world.users.reviewer2, version=stale)
    db.session.commit()

    assert snapshot(application.case_id) == before


def test_shared_machine_has_no_models_and_no_auto_transitions(make_application, world):
    application = make_application("in_review")
    fire(application, "propose_approval", world.users.reviewer2)
    machine = engine.workflows().machine("membership", 1)

    assert machine.models == []
    assert machine.auto_transitions is False
    assert machine.ignore_invalid_triggers is False
    assert not [name for name in machine.events if name.startswith("to_")]


def test_touch_bumps_the_version_and_refuses_a_stale_one(make_application):
    case = make_application("draft").case
    seen = case.version

    engine.touch(case, seen)

    assert case.version == seen + 1
    with pytest.raises(StaleVersion):
        engine.touch(case, seen)


def test_a_given_subject_is_used_instead_of_loading_it_again(make_application, world):
    application = make_application("submitted")
    version = application.case.version  # loads the application and its case

    with counted_statements() as statements:
        fire(
            application, "start_review", world.users.reviewer2, version=version, subject=application
        )

    assert not [s for s in statements if s.lstrip().startswith("SELECT application")]
    assert application.case.state == "in_review"


def test_a_subject_of_another_case_is_a_programming_error(make_application, world):
    application = make_application("submitted")
    other = make_application("submitted", municipality=world.andernach)

    with pytest.raises(ValueError, match="is not the subject"):
        fire(application, "start_review", world.users.reviewer2, subject=other)

    assert application.case.state == "submitted"


def test_case_effects_are_written_by_the_compare_and_set(make_application, world):
    application = make_application("submitted")
    reviewer = world.users.reviewer2

    with counted_statements() as statements:
        fire(application, "start_review", reviewer)

    case_updates = [s for s in statements if s.lstrip().startswith('UPDATE "case"')]
    # The compare-and-set writes state, version and the case effects' columns; the chain
    # head follows with the entry's INSERT (the database's trigger), not a statement of its own.
    assert len(case_updates) == 1, case_updates
    assert "assignee_id" in case_updates[0] and "chain_hash=" not in case_updates[0]
    db.session.expire_all()
    assert db.session.get(Case, application.case_id).assignee_id == reviewer.id
