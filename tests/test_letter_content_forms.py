"""Admin forms and CLI options for what the letters need, and the demo's pilot notices."""

import pytest
from flask import url_for
from sqlalchemy import select

from antrag.accounts.models import User
from antrag.extensions import db
from antrag.funding.models import FundingNotice
from antrag.programme.models import Municipality, Programme, Round


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def programme_form(**overrides) -> dict:
    form = {
        "name": "Netzwerk Digitale Dörfer",
        "description": "",
        "guideline_title": "Förderrichtlinie Digitale Dörfer",
        "guideline_date": "15.01.2019",
    }
    return form | overrides


def test_programme_form_stores_the_guideline(admin, world):
    response = admin.fill(url_for("admin.programme_new"), programme_form())
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).filter_by(name="Netzwerk Digitale Dörfer"))
    assert programme.guideline_title == "Förderrichtlinie Digitale Dörfer"
    assert programme.guideline_date.isoformat() == "2019-01-15"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"guideline_date": "31.02.2019"}, "guideline_date", "gibt es nicht im Kalender"),
        ({"guideline_title": ""}, "guideline_title", "auch den Titel der Förderrichtlinie"),
        ({"guideline_title": "x" * 301}, "guideline_title", "Höchstens 300 Zeichen"),
    ],
)
def test_programme_form_refuses_a_bad_guideline_and_keeps_the_input(
    admin, world, overrides, field, message
):
    response = admin.fill(url_for("admin.programme_new"), programme_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert 'value="Netzwerk Digitale Dörfer"' in html
    assert db.session.scalar(select(Programme).filter_by(name="Netzwerk Digitale Dörfer")) is None


def round_form(world, **overrides) -> dict:
    form = {
        "programme": str(world.programme.id),
        "name": "Zweite Runde 2019",
        "opens_on": "01.09.2019",
        "closes_on": "30.11.2019",
        "budget": "121.500,00",
        "standard_amount": "60.750,00",
        "budget_chapter": "0301",
        "budget_title": "88301",
        "eligibility": "invited",
        "invited": [str(world.pirmasens.id)],
    }
    return form | overrides


def test_round_form_normalises_the_budget_item(admin, world):
    response = admin.fill(url_for("admin.round_new"), round_form(world))
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round).filter_by(name="Zweite Runde 2019"))
    assert (round_.budget_chapter, round_.budget_title) == ("03 01", "883 01")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"budget_chapter": "3"}, "budget_chapter", "Das Kapitel hat 4 Ziffern"),
        ({"budget_title": "883-01a"}, "budget_title", "Der Titel hat 5 Ziffern"),
    ],
)
def test_round_form_refuses_a_bad_budget_item(admin, world, overrides, field, message):
    response = admin.fill(url_for("admin.round_new"), round_form(world, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert 'value="Zweite Runde 2019"' in html
    assert db.session.scalar(select(Round).filter_by(name="Zweite Runde 2019")) is None


def test_edit_municipality_shows_the_addressee(admin, world):
    html = admin.get(url_for("admin.municipality_edit", municipality_id=world.speyer.id)).get_data(
        as_text=True
    )
    assert "Stadt Speyer, vertreten durch den Oberbürgermeister" in html
    assert 'value="Maximilianstraße 100"' in html


def user_form(**overrides) -> dict:
    form = {
        "email": "nora.neu@mdi.rlp.de",
        "name": "Nora Neu",
        "role": "reviewer",
        "municipality": "",
        "organisation": "Ministerium des Innern und für Sport",
        "can_sign": "y",
        "function": "Referatsleiterin",
        "unit": "Referat 35",
        "phone": "06131 16-3512",
        "password": "sehr-geheimes-passwort",
    }
    return form | overrides


def test_user_form_stores_the_signature_block(admin, world):
    assert admin.fill(url_for("admin.user_new"), user_form()).status_code == 302
    user = db.session.scalar(select(User).filter_by(email="nora.neu@mdi.rlp.de"))
    assert (user.function, user.unit, user.phone) == (
        "Referatsleiterin",
        "Referat 35",
        "06131 16-3512",
    )
    assert user.signature_gaps() == []


@pytest.mark.parametrize("phone", ["bitte anrufen", "123", "06131 16-3512 ext. 4"])
def test_user_form_refuses_a_bad_phone_and_keeps_the_input(admin, world, phone):
    response = admin.fill(url_for("admin.user_new"), user_form(phone=phone))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html
    assert "Telefonnummer aus Ziffern" in html
    assert 'value="Referatsleiterin"' in html
    assert db.session.scalar(select(User).filter_by(email="nora.neu@mdi.rlp.de")) is None


# CLI


def test_users_create_with_signature_block_and_signing_authority(runner, world):
    result = runner.invoke(
        args=["users", "create", "lea@mdi.rlp.de", "--role", "reviewer", "--can-sign",
              "--function", "Referentin", "--unit", "Referat 35", "--phone", "06131 16-0"],
        input="sehr-geheimes-passwort\n" * 2,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(email="lea@mdi.rlp.de"))
    assert user.can_sign and (user.function, user.unit, user.phone) == (
        "Referentin", "Referat 35", "06131 16-0"
    )  # fmt: skip


def test_users_edit_marks_an_account_entitled_to_represent_the_city(runner, world):
    pirmasens = world.users.pirmasens
    pirmasens.may_represent, pirmasens.represents_as = False, None
    db.session.commit()
    result = runner.invoke(
        args=["users", "edit", pirmasens.email, "--represents-as", "Oberbürgermeister"]
    )
    assert result.exit_code == 0, result.output
    assert "represents the city as Oberbürgermeister" in result.output
    db.session.refresh(pirmasens)
    assert (pirmasens.may_represent, pirmasens.represents_as) == (True, "Oberbürgermeister")
    result = runner.invoke(args=["users", "edit", pirmasens.email, "--no-may-represent"])
    assert result.exit_code == 0, result.output
    db.session.refresh(pirmasens)
    assert (pirmasens.may_represent, pirmasens.represents_as) == (False, None)


def test_users_edit_refuses_representation_for_a_reviewer_and_a_bad_phone(runner, world):
    email = world.users.reviewer.email
    result = runner.invoke(
        args=["users", "edit", email, "--may-represent", "--represents-as", "OB"]
    )
    assert result.exit_code == 1
    assert "nur Konten einer Kommune" in result.output
    result = runner.invoke(args=["users", "edit", email, "--phone", "unbekannt"])
    assert result.exit_code == 1
    assert "Telefonnummer" in result.output
    db.session.refresh(world.users.reviewer)
    assert world.users.reviewer.phone == "06131 16-0"


def test_users_edit_changes_only_what_is_given(runner, world):
    email = world.users.reviewer.email
    result = runner.invoke(args=["users", "edit", email, "--unit", "Referat 36", "--can-sign"])
    assert result.exit_code == 0, result.output
    db.session.refresh(world.users.reviewer)
    reviewer = world.users.reviewer
    assert (reviewer.function, reviewer.unit, reviewer.can_sign) == (
        "Referentin",
        "Referat 36",
        True,
    )


def test_municipalities_add_reads_the_address(runner, world):
    result = runner.invoke(
        args=["municipalities", "add", "07111000", "Koblenz", "--kind", "kreisfreie_stadt",
              "--population", "114000", "--address", "Willi-Hörter-Platz 1, 56068 Koblenz"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    koblenz = db.session.scalar(select(Municipality).filter_by(ags="07111000"))
    assert koblenz.postal_address == "Willi-Hörter-Platz 1\n56068 Koblenz"


# The demo


@pytest.fixture
def demo(app, runner):
    app.config["LOAD_DEMO_DATA"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


def test_demo_pilot_notices_carry_addressee_court_and_legal_basis(demo):
    notices = db.session.scalars(select(FundingNotice).order_by(FundingNotice.id)).all()
    found = {n.addressee_name: n for n in notices}
    assert set(found) == {
        "Stadt Speyer", "Stadt Andernach", "Stadt Zweibrücken", "Stadt Wörth am Rhein"
    }  # fmt: skip
    assert found["Stadt Speyer"].addressee_address == "Maximilianstraße 100\n67346 Speyer"
    assert found["Stadt Speyer"].addressee_head == "vertreten durch die Oberbürgermeisterin"
    assert found["Stadt Wörth am Rhein"].addressee_head == "vertreten durch den Bürgermeister"
    assert found["Stadt Andernach"].addressee_address == "Läufstraße 11\n56626 Andernach"
    assert found["Stadt Zweibrücken"].addressee_address == "Herzogstraße 1\n66482 Zweibrücken"
    assert found["Stadt Wörth am Rhein"].addressee_address == "Mozartstraße 2\n76744 Wörth am Rhein"
    courts = {name: n.court.name for name, n in found.items()}
    assert courts["Stadt Andernach"] == "Verwaltungsgericht Koblenz"
    for city in ("Stadt Speyer", "Stadt Zweibrücken", "Stadt Wörth am Rhein"):
        assert courts[city] == "Verwaltungsgericht Neustadt an der Weinstraße"
    for notice in notices:
        assert notice.issued_by.signature_gaps() == []
        assert notice.round.budget_chapter and notice.round.programme.guideline_title
        assert notice.application.submitted_at is not None


def test_demo_applications_that_were_submitted_have_their_date(demo):
    from antrag.applications.models import Application

    for application in db.session.scalars(select(Application)):
        assert (application.submitted_at is not None) == (application.state != "draft")


def test_municipality_list_shows_the_address_or_what_is_missing(admin, world):
    world.pirmasens.street = None
    db.session.commit()
    html = admin.get(url_for("admin.municipalities")).get_data(as_text=True)
    assert "Maximilianstraße 100, 67346 Speyer" in html
    assert "Es fehlt: Straße und Hausnummer der Verwaltung" in html
