"""Numbers typed or edited into forms: a field message (or a plain 400), never a 500.

`"²".isdigit()` is true but `int("²")` fails; `int("١")` reads an Arabic-Indic digit; and a
number beyond the integer column makes PostgreSQL refuse the statement. Ids and counts in
forms are ASCII digits within the column's range.
"""

import pytest
from flask import url_for
from sqlalchemy import func, select

from antrag.applications.models import Application, Project
from antrag.extensions import db
from antrag.programme.models import Municipality

NOT_NUMBERS = ["²", "١", "99999999999999999999", "2147483648", "-1", "abc"]


def _project_form(application, project_id: str) -> dict:
    project = application.projects[0]
    return {
        "version": str(application.case.version),
        "contact_name": "Neu",
        "projects-0-project_id": project_id,
        "projects-0-title": project.title,
        "save": "Entwurf speichern",
    }


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_an_edited_project_id_gets_a_field_message(make_web, world, make_application, value):
    application = make_application("draft")
    web = make_web(world.users.speyer)
    response = web.post(f"/antraege/{application.id}/bearbeiten", _project_form(application, value))
    assert response.status_code == 422
    assert "Bitte laden Sie die Seite neu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).contact_name == "Maria Beispiel"
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999"])
def test_a_mentor_capacity_in_other_digits_gets_a_field_message(make_web, world, value):
    mentor = world.users.mentor
    form = {"name": mentor.name, "role": "mentor", "active": "y", "mentor_capacity": value}
    response = make_web(world.users.admin).post(url_for("admin.user_edit", user_id=mentor.id), form)
    assert response.status_code == 422
    assert "Bitte geben Sie eine" in response.get_data(as_text=True)  # ganze Zahl, or 0 bis 50


@pytest.mark.parametrize("value", ["99.999.999.999", "99999999999", "²", "١٢"])
def test_a_population_beyond_the_column_gets_a_field_message(make_web, world, value):
    form = {
        "ags": "07111000",
        "name": "Koblenz",
        "kind": "kreisfreie_stadt",
        "population": value,
    }
    response = make_web(world.users.admin).post(url_for("admin.municipality_new"), form)
    assert response.status_code == 422
    assert "ganze Zahl" in response.get_data(as_text=True)
    assert db.session.scalar(select(Municipality).filter_by(ags="07111000")) is None


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "2147483648"])
def test_a_round_id_that_is_no_id_is_a_bad_request(make_web, world, value):
    response = make_web(world.users.speyer).post("/antraege/neu", {"round_id": value})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_a_case_version_that_is_no_number_is_a_bad_request(
    make_web, world, make_application, value
):
    application = make_application("draft")
    response = make_web(world.users.speyer).post(
        f"/antraege/{application.id}/aktion", {"trigger": "withdraw", "version": value}
    )
    assert response.status_code == 400
