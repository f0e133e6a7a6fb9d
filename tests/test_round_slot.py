"""One application per city and round: the database holds the slot, submit and approve check it."""

import pytest
from api_support import Api, assert_problem, token_for
from engine_support import fire
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from antrag import engine
from antrag.applications import operations
from antrag.applications.models import Application
from antrag.applications.operations import CreationRefused, create_application
from antrag.engine import GuardRefused
from antrag.engine.models import Case
from antrag.extensions import db

ALREADY = "Ihre Kommune hat in dieser Antragsrunde bereits einen Antrag."


def legacy_pair(make_application, earlier: str, later: str) -> Application:
    """Return Speyer's application in `later` beside another of the round in `earlier`.

    Data from before the slot existed: migration 0008 gives the slot to one of them. The
    other's state is written directly, since the guards no longer let both get there.
    """
    application = make_application(later)
    application.holds_round_slot = None
    db.session.commit()
    other = make_application("draft")
    db.session.execute(update(Case).where(Case.id == other.case_id).values(state=earlier))
    db.session.commit()
    db.session.expire_all()
    return application


def first_look_misses(monkeypatch) -> None:
    """Let the create's first look find no application, as if another request inserted it later.

    Later looks find what is there.
    """
    real, calls = operations.blocking_application, []

    def look(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(operations, "blocking_application", look)


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_database_refuses_a_second_application_holding_the_slot(make_application, world, state):
    make_application(state)

    with pytest.raises(IntegrityError):
        make_application("draft")
    db.session.rollback()


@pytest.mark.parametrize(
    ("state", "holds"),
    [("draft", True), ("approved", True), ("withdrawn", None), ("rejected", None)],
)
def test_withdrawing_or_rejecting_frees_the_slot(make_application, world, state, holds):
    application = make_application(state)

    assert application.holds_round_slot is holds


@pytest.mark.parametrize("state", ["withdrawn", "rejected"])
def test_city_may_apply_again_after_a_withdrawal_or_rejection(make_application, world, state):
    make_application(state)

    again = create_application(world.users.speyer, world.round)
    db.session.commit()

    assert again.holds_round_slot is True


def test_create_that_loses_at_the_constraint_names_the_existing_application(
    make_application, world, monkeypatch
):
    # As when another request inserted the first one after this one had looked.
    existing = make_application("draft")
    first_look_misses(monkeypatch)

    with pytest.raises(CreationRefused) as refused:
        create_application(world.users.speyer, world.round)

    assert refused.value.existing.id == existing.id
    assert refused.value.message == ALREADY
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1


def test_lost_create_in_the_form_redirects_to_the_existing_application(
    make_application, world, make_web, monkeypatch
):
    existing = make_application("draft")
    web = make_web(world.users.speyer)
    first_look_misses(monkeypatch)
    # The list offers no "Antrag anlegen" for the round any more; a form shown before the
    # first application existed carries a token like that of any other creating form.
    web.get("/konto/api-tokens")
    token = web.form_tokens["/konto/api-tokens"]

    response = web.post("/antraege/neu", {"round_id": str(world.round.id), "form_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/antraege/{existing.id}"
    assert ALREADY in web.get(f"/antraege/{existing.id}").get_data(as_text=True)


def test_lost_create_in_the_api_is_a_409_naming_the_existing_application(
    make_application, world, client, monkeypatch
):
    existing = make_application("submitted")
    api = Api(client, token_for(world.users.speyer))
    first_look_misses(monkeypatch)

    body = assert_problem(api.post("/applications", {"round_id": world.round.id}), 409, "conflict")

    assert body["existing"] == f"/api/v1/applications/{existing.id}"
    assert body["detail"] == ALREADY


@pytest.mark.parametrize(
    ("earlier", "trigger", "later", "blocks"),
    [
        ("submitted", "submit", "draft", True),
        ("approved", "submit", "draft", True),
        ("draft", "submit", "draft", False),
        ("in_review", "approve", "proposed_approval", True),
        ("approved", "approve", "proposed_approval", True),
        ("draft", "approve", "proposed_approval", False),
    ],
)
def test_submit_and_approve_refuse_a_second_open_application(
    make_application, world, earlier, trigger, later, blocks
):
    application = legacy_pair(make_application, earlier, later)
    actor = world.users.speyer if trigger == "submit" else world.users.reviewer2

    if blocks:
        with pytest.raises(GuardRefused) as refused:
            fire(application, trigger, actor)
        assert refused.value.guard == "single_open_application"
    else:
        fire(application, trigger, actor)
        assert application.case.state == {"submit": "submitted", "approve": "approved"}[trigger]


def test_the_approve_button_explains_the_other_application(make_application, world):
    application = legacy_pair(make_application, "approved", "proposed_approval")

    actions = {
        a.trigger: a for a in engine.available_actions(application.case, world.users.reviewer2)
    }

    assert actions["approve"].allowed is False
    assert actions["approve"].reason == (
        "Speyer hat in der Antragsrunde „Testrunde“ bereits einen anderen Antrag im Verfahren "
        "oder bewilligt bekommen."
    )


def test_a_slot_is_true_or_empty_never_false(make_application, world):
    application = make_application("draft")

    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Application)
            .where(Application.id == application.id)
            .values(holds_round_slot=False)
        )
    db.session.rollback()
