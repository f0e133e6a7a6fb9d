"""The membership workflow's rules: four eyes, the submit guards, budget, deadlines, effects."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from engine_support import FOUR_EYES, fire

from antrag import engine
from antrag.clock import frozen_at
from antrag.engine import GuardRefused
from antrag.engine.calendar import BERLIN
from antrag.extensions import db


@pytest.mark.parametrize(
    ("trigger", "state"),
    [
        ("approve", "proposed_approval"),
        ("reject", "proposed_rejection"),
        ("send_back", "proposed_approval"),
        ("send_back", "proposed_rejection"),
    ],
)
def test_proposer_cannot_cosign_or_send_back(make_application, world, trigger, state):
    application = make_application(state)  # proposed by world.users.reviewer

    with pytest.raises(GuardRefused) as refused:
        fire(application, trigger, world.users.reviewer)

    assert refused.value.guard == "four_eyes"
    assert refused.value.message == FOUR_EYES


def test_four_eyes_bars_the_latest_proposer_not_the_first_reviewer(make_application, world):
    first, second = world.users.reviewer, world.users.reviewer2
    application = make_application("proposed_approval")  # proposed by `first`
    fire(application, "send_back", second)
    fire(application, "propose_approval", second)

    with pytest.raises(GuardRefused):
        fire(application, "approve", second)
    fire(application, "approve", first)

    assert application.case.state == "approved"


def _submit_refusal(application, actor) -> GuardRefused:
    with pytest.raises(GuardRefused) as refused:
        fire(application, "submit", actor)
    return refused.value


@pytest.mark.parametrize("when", ["before", "after"])
def test_submit_refused_outside_the_round(make_application, world, when):
    application = make_application("draft")
    if when == "before":
        day = world.round.opens_on - timedelta(days=1)
    else:
        day = world.round.closes_on + timedelta(days=1)
    moment = datetime.combine(day, time(12), BERLIN)

    with frozen_at(moment):
        refused = _submit_refusal(application, world.users.speyer)

    assert refused.guard == "round_open"
    assert "ist nur vom" in refused.message


def test_round_is_open_late_on_its_closing_day_in_berlin(make_application, world):
    application = make_application("draft")

    with frozen_at(datetime.combine(world.round.closes_on, time(21, 30), UTC)):
        fire(application, "submit", world.users.speyer)

    assert application.case.state == "submitted"


def test_round_is_closed_after_midnight_in_berlin(make_application, world):
    application = make_application("draft")

    with frozen_at(datetime.combine(world.round.closes_on, time(23, 30), UTC)):
        assert _submit_refusal(application, world.users.speyer).guard == "round_open"


def test_submit_refused_for_a_municipality_not_invited(make_application, world):
    application = make_application("draft", world.pirmasens)

    refused = _submit_refusal(application, world.users.pirmasens)

    assert refused.guard == "municipality_eligible"
    assert "Pirmasens" in refused.message


def test_submit_refused_while_the_form_is_incomplete(make_application, world):
    application = make_application("draft", complete=False)

    refused = _submit_refusal(application, world.users.speyer)

    assert refused.guard == "form_complete"
    assert "Ratsbeschluss (PDF)" in refused.message


def test_submit_refused_above_the_standard_amount(make_application, world):
    application = make_application("draft")
    application.requested_amount = Decimal("60750.01")
    db.session.commit()

    refused = _submit_refusal(application, world.users.speyer)

    assert refused.guard == "amount_within_standard"
    assert "60.750,00" in refused.message


def test_approval_refused_when_the_budget_is_exhausted(make_application, world):
    application = make_application("proposed_approval")
    world.round.budget = Decimal("121499.99")  # less than two standard amounts
    db.session.commit()
    make_application("approved", world.andernach)

    with pytest.raises(GuardRefused) as refused:
        fire(application, "approve", world.users.reviewer2)

    assert refused.value.guard == "budget_left"
    assert "60.749,99" in refused.value.message


def test_available_actions_explain_four_eyes(make_application, world):
    application = make_application("proposed_approval")

    mine = {a.trigger: a for a in engine.available_actions(application.case, world.users.reviewer)}
    theirs = {
        a.trigger: a for a in engine.available_actions(application.case, world.users.reviewer2)
    }
    city = engine.available_actions(application.case, world.users.speyer)

    assert set(mine) == set(theirs) == {"approve", "send_back"}
    assert (mine["approve"].allowed, mine["approve"].reason) == (False, FOUR_EYES)
    assert (theirs["approve"].allowed, theirs["approve"].reason) == (True, None)
    assert [a.trigger for a in city] == ["withdraw"]


def test_change_request_is_due_in_28_days_at_end_of_day_berlin(make_application, world):
    application = make_application("in_review")

    with frozen_at(datetime(2025, 3, 10, 9, 0, tzinfo=UTC)):
        fire(application, "request_changes", world.users.reviewer2)
    db.session.commit()
    db.session.expire_all()

    # 7 April 2025, 23:59:59 CEST (summer time began on 30 March)
    assert application.case.due_at == datetime(2025, 4, 7, 21, 59, 59, tzinfo=UTC)

    fire(application, "resubmit", world.users.speyer)
    db.session.commit()
    db.session.expire_all()
    assert application.case.due_at is None


def test_submit_records_when_it_was_submitted(make_application, world):
    application = make_application("draft")
    moment = datetime.combine(world.round.opens_on, time(10), UTC)

    with frozen_at(moment):
        fire(application, "submit", world.users.speyer)

    assert application.submitted_at == moment


def test_start_review_assigns_the_reviewer(make_application, world):
    application = make_application("submitted")

    fire(application, "start_review", world.users.reviewer2)

    assert application.case.assignee_id == world.users.reviewer2.id
