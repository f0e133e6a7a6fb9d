"""The financing plan: its arithmetic, the edit page, the submit guard and the API."""

from decimal import Decimal

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from engine_support import fire

from antrag.applications.financing import FinancingPlan
from antrag.engine import GuardRefused
from antrag.extensions import db


def _plan(total="67500.00", own="6750.00", third="0.00", grant="60750.00", cap="60750.00"):
    amount = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return FinancingPlan(amount(total), amount(own), Decimal(third), amount(grant), amount(cap))


def test_a_plan_that_covers_the_costs_to_the_cent_balances():
    plan = _plan(total="67500.01", own="6750.00", third="0.01", grant="60750.00")

    assert plan.balances and plan.gaps() == []
    assert plan.cover == Decimal("67500.01") and plan.difference == Decimal("0.00")


def test_a_cent_too_little_is_a_gap_named_with_its_amount():
    plan = _plan(total="67500.01")

    assert not plan.balances
    [(field, message)] = plan.gaps()
    assert field == "third_party_funds"
    assert "Deckungslücke von 0,01" in message and "67.500,01" in message


def test_over_financing_is_named_too():
    [(_field, message)] = _plan(third="100.00").gaps()

    assert "Überfinanzierung um 100,00" in message


def test_the_grant_never_exceeds_the_costs_less_the_own_contribution():
    plan = _plan(total="50000.00", own="6750.00", grant="60750.00")

    fields = [field for field, _message in plan.gaps()]
    assert fields[0] == "requested_amount"
    assert "um 17.500,00" in plan.gaps()[0][1]  # 60.750 − (50.000 − 6.750)


def test_the_grant_keeps_within_the_rounds_standard_amount():
    plan = _plan(total="100000.00", own="9250.00", grant="90750.00")

    assert any("Regelbetrag" in message for _field, message in plan.gaps())


def test_missing_figures_make_an_incomplete_plan():
    plan = _plan(total=None, own=None, grant=None)

    assert not plan.complete and not plan.balances
    assert [f for f, _m in plan.gaps()] == ["projects", "own_contribution", "requested_amount"]


def test_the_application_sums_its_projects_costs(make_application):
    application = make_application("draft")
    application.third_party_funds = None  # empty counts as no third-party funds

    plan = application.financing_plan()

    assert (plan.total_cost, plan.own_contribution, plan.third_party_funds, plan.grant) == (
        Decimal("67500.00"),
        Decimal("6750.00"),
        Decimal("0.00"),
        Decimal("60750.00"),
    )
    assert plan.balances


@pytest.mark.parametrize("trigger", ["submit", "resubmit"])
def test_submit_and_resubmit_refuse_an_unbalanced_plan(make_application, world, trigger):
    application = make_application("draft" if trigger == "submit" else "changes_requested")
    application.third_party_funds = Decimal("1000.00")
    db.session.flush()

    with pytest.raises(GuardRefused) as refused:
        fire(application, trigger, world.users.speyer, comment=None)

    assert refused.value.guard == "financing_plan_balances"
    assert "Überfinanzierung um 1.000,00" in refused.value.message


def test_propose_approval_refuses_an_unbalanced_plan(make_application, world):
    application = make_application("in_review")
    application.own_contribution = Decimal("5000.00")
    db.session.flush()

    with pytest.raises(GuardRefused) as refused:
        fire(application, "propose_approval", world.users.reviewer)

    assert refused.value.guard == "financing_plan_balances"
    assert "Deckungslücke von 1.750,00" in refused.value.message


def test_the_edit_page_shows_the_plan_and_what_is_off(make_application, make_web, world):
    application = make_application("draft")
    application.third_party_funds = Decimal("500.00")
    db.session.commit()

    page = make_web(world.users.speyer).get(f"/antraege/{application.id}/bearbeiten")
    text = page.get_data(as_text=True)

    assert "Finanzierungsplan" in text and "68.000,00" in text  # the sum of the cover
    assert 'href="#third_party_funds"' in text and "Überfinanzierung um 500,00" in text
    hint = text.split('id="third_party_funds-hint">', 1)[1].split("</p>", 1)[0]
    assert "Überfinanzierung um 500,00" in hint  # the message stands at the field


def test_saving_an_unbalanced_plan_keeps_it_and_says_what_is_off(make_application, make_web, world):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    url = f"/antraege/{application.id}/bearbeiten"
    project = application.projects[0]
    data = {
        "version": str(application.case.version),
        "projects-0-project_id": str(project.id),
        "projects-0-title": project.title,
        "projects-0-estimated_cost": "67.500,00",
        "requested_amount": "60.750,00",
        "own_contribution": "6.750,00",
        "third_party_funds": "250,00",
        "save": "Entwurf speichern",
    }

    response = web.fill(url, data, follow_redirects=True)

    text = response.get_data(as_text=True)
    assert "Entwurf gespeichert." in text and "Überfinanzierung um 250,00" in text
    db.session.expire_all()
    assert application.third_party_funds == Decimal("250.00")


def test_a_negative_third_party_amount_is_refused_on_the_field(make_application, make_web, world):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    url = f"/antraege/{application.id}/bearbeiten"

    response = web.fill(
        url, {"version": str(application.case.version), "third_party_funds": "-5,00"}
    )

    assert response.status_code == 422
    assert "nicht negativ" in response.get_data(as_text=True)


def test_the_api_round_trips_the_plan_and_early_start(make_application, client, world):
    application = make_application("draft")
    city = Api(client, token_for(world.users.speyer))
    path = f"/applications/{application.id}"
    version = assert_ok(city.get(path))["version"]

    found = assert_ok(
        city.patch(
            path,
            {
                "version": version,
                "third_party_funds": "1000.00",
                "own_contribution": "5750.00",
                "early_start_requested": True,
                "early_start_reason": "Auftrag vor der Pflanzsaison.",
            },
        )
    )

    assert found["third_party_funds"] == "1000.00"
    assert found["financing_plan"] == {
        "total_cost": "67500.00",
        "own_contribution": "5750.00",
        "third_party_funds": "1000.00",
        "grant": "60750.00",
        "balances": True,
        "problems": [],
    }
    assert found["early_start_requested"] is True
    assert found["early_start_reason"] == "Auftrag vor der Pflanzsaison."
    assert found["early_start_decided_on"] is None and found["early_start_approved"] is None


def test_the_api_refuses_a_negative_third_party_amount(make_application, client, world):
    application = make_application("draft")
    city = Api(client, token_for(world.users.speyer))
    path = f"/applications/{application.id}"
    version = assert_ok(city.get(path))["version"]

    problem = assert_problem(
        city.patch(path, {"version": version, "third_party_funds": "-1.00"}), 422
    )

    assert "third_party_funds" in problem["errors"]
