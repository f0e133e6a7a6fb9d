"""The waiver of the right of action: only who may represent the city declares it (§ 47 GemO)."""

import json

import pytest
from conftest import PASSWORD
from flask import url_for
from funding_support import act, issued_notice

from antrag.accounts.operations import create_user
from antrag.engine.errors import GuardRefused
from antrag.engine.models import HistoryEntry
from antrag.extensions import db

REASON = "Auf Rechtsbehelfe verzichten kann nur, wer die Kommune vertreten darf"


@pytest.fixture
def clerk(world):
    """An applicant account of Speyer without the right to represent the city."""
    user = create_user(
        email="sachbearbeitung@speyer.de",
        name="Sam Sachbearbeiter",
        role="applicant",
        password=PASSWORD,
        municipality_ags=world.speyer.ags,
    )
    db.session.commit()
    return user


def _post_waiver(web, notice, **extra):
    form = {"trigger": "waive_appeal", "version": notice.case.version, "comment": ""}
    return web.post(f"/bescheide/{notice.id}/aktion", form | extra)


def test_the_engine_refuses_the_waiver_of_an_account_that_may_not_represent(
    make_application, world, clerk
):
    notice = issued_notice(make_application, world)
    with pytest.raises(GuardRefused, match=REASON):
        act(notice, "waive_appeal", clerk)
    db.session.rollback()
    assert notice.case.state == "issued" and notice.appeal_waived_at is None


def test_the_page_shows_the_reason_instead_of_the_button_and_a_post_is_refused(
    make_application, world, clerk, make_web
):
    notice = issued_notice(make_application, world)
    web = make_web(clerk)
    page = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert REASON in page and 'value="waive_appeal"' not in page
    response = _post_waiver(web, notice, confirm_waiver="y")
    assert response.status_code >= 400 and REASON in response.get_data(as_text=True)
    db.session.expire_all()
    assert notice.case.state == "issued" and notice.appeal_waived_at is None


def test_the_representative_sees_the_declaration_and_waives_with_the_confirmation(
    make_application, world, make_web
):
    notice = issued_notice(make_application, world)
    web = make_web(world.users.speyer)
    page = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "kann nicht widerrufen werden" in page and 'name="confirm_waiver"' in page
    assert _post_waiver(web, notice, confirm_waiver="y").status_code == 302
    db.session.expire_all()
    assert notice.case.state == "final" and notice.appeal_waived_at is not None
    page = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "keine Aktion" not in page
    assert 'Ihre nächsten Schritte auf dieser Seite: <a href="#mittel-abrufen">' in page
    assert 'id="mittel-abrufen"' in page


def test_without_the_confirmation_the_field_says_so_and_nothing_changes(
    make_application, world, make_web
):
    notice = issued_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    response = _post_waiver(web, notice)
    assert response.status_code == 422
    assert "Bitte bestätigen Sie die Verzichtserklärung." in response.get_data(as_text=True)
    db.session.expire_all()
    assert notice.case.state == "issued"


def test_the_history_entry_names_the_function_of_the_declaring_person(
    make_application, world, make_web
):
    notice = issued_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    _post_waiver(web, notice, confirm_waiver="y")
    entry = (
        db.session.query(HistoryEntry)
        .filter_by(case_id=notice.case_id, trigger="waive_appeal")
        .one()
    )
    assert entry.actor_id == world.users.speyer.id
    assert json.loads(entry.inputs) == {"represents_as": "Oberbürgermeisterin"}


def test_the_engine_refuses_a_function_other_than_the_accounts(make_application, world):
    notice = issued_notice(make_application, world)
    with pytest.raises(GuardRefused):
        act(notice, "waive_appeal", world.users.speyer, inputs={"represents_as": "Landrat"})


def test_the_admin_lets_an_account_represent_the_city(make_web, world, clerk):
    form = {
        "name": clerk.name,
        "role": "applicant",
        "municipality": world.speyer.ags,
        "organisation": "",
        "active": "y",
        "mentor_capacity": "0",
        "may_represent": "y",
        "represents_as": "Bürgermeisterin",
    }
    admin = make_web(world.users.admin)
    page = admin.get(url_for("admin.user_edit", user_id=clerk.id)).get_data(as_text=True)
    assert "§ 47 GemO" in page
    assert admin.post(url_for("admin.user_edit", user_id=clerk.id), form).status_code == 302
    db.session.refresh(clerk)
    assert (clerk.may_represent, clerk.represents_as) == (True, "Bürgermeisterin")


def test_the_admin_must_name_the_function(make_web, world, clerk):
    form = {
        "name": clerk.name,
        "role": "applicant",
        "municipality": world.speyer.ags,
        "active": "y",
        "mentor_capacity": "0",
        "may_represent": "y",
    }
    response = make_web(world.users.admin).post(url_for("admin.user_edit", user_id=clerk.id), form)
    assert "in welcher Funktion" in response.get_data(as_text=True)
    db.session.refresh(clerk)
    assert clerk.may_represent is False
