"""The applicant's journey through the web UI: create, save drafts, upload, submit, act."""

import io
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from antrag.applications.models import Application, Attachment, Project
from antrag.applications.storage import minimal_pdf
from antrag.extensions import db


def _form(application, **overrides) -> dict:
    """Return a complete, valid edit form post for `application`."""
    data = {
        "version": str(application.case.version),
        "contact_name": "Maria Beispiel",
        "contact_function": "Digitalisierungsbeauftragte",
        "contact_email": "maria.beispiel@speyer.de",
        "contact_phone": "06232 14-0",
        "head_of_administration": "Oberbürgermeisterin Erika Muster",
        "projects-0-project_id": "",
        "projects-0-title": "Digitales Bürgerbüro",
        "projects-0-description": "Online-Terminvergabe.",
        "projects-0-field_of_action": "verwaltung",
        "projects-0-period_start": "14.05.2019",
        "projects-0-period_end": "31.12.2020",
        "projects-0-estimated_cost": "67.500,00",
        "requested_amount": "60.750,00",
        "own_contribution": "6.750,00",
        "declaration_no_early_start": "y",
        "declaration_accuracy": "y",
        "declaration_privacy": "y",
        "save": "Entwurf speichern",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_url(application) -> str:
    return f"/antraege/{application.id}/bearbeiten"


def _act(web, application, trigger, comment=None, version=None):
    data = {"trigger": trigger, "version": str(version or application.case.version)}
    if comment is not None:
        data["comment"] = comment
    return web.post(f"/antraege/{application.id}/aktion", data)


def _reload(application) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application.id)


def _snapshot(application) -> dict:
    """Return what is committed about `application`, read in a session of its own."""
    with Session(db.engine) as session:
        app = session.get(Application, application.id)
        columns = {c.key: getattr(app, c.key) for c in Application.__table__.columns}
        projects = [
            {c.key: getattr(p, c.key) for c in Project.__table__.columns} for p in app.projects
        ]
        attachments = session.scalars(select(Attachment.id)).all()
        return {"app": columns, "projects": projects, "files": attachments, "v": app.case.version}


def _post_large(web, url, data):
    """Post a large multipart body; close the temporary file the test client spools it to."""
    response = web.post(url, data)
    response.request.environ["wsgi.input"].close()
    return response


def _uploaded_files(app) -> list[str]:
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


# --- creating -------------------------------------------------------------------------------


def test_applicant_creates_draft_in_open_round(web, world):
    web.login(world.users.speyer)
    page = web.get("/antraege/").get_data(as_text=True)
    assert "Testrunde" in page and "Antrag anlegen" in page

    response = web.post("/antraege/neu", {"round_id": str(world.round.id)})

    application = db.session.scalars(select(Application)).one()
    assert response.headers["Location"].endswith(_edit_url(application))
    assert application.state == "draft" and application.municipality_id == world.speyer.id
    index = web.get("/antraege/").get_data(as_text=True)
    assert "Antrag anlegen" not in index
    assert f"/antraege/{application.id}" in index and "Entwurf" in index


def test_city_not_invited_cannot_create(web, world):
    web.login(world.users.pirmasens)
    assert "Antrag anlegen" not in web.get("/antraege/").get_data(as_text=True)
    # The page was opened while the round was open to every city; then that changed.
    world.round.eligibility = "all_cities"
    db.session.commit()
    assert "Antrag anlegen" in web.get("/antraege/").get_data(as_text=True)
    world.round.eligibility = "invited"
    db.session.commit()

    response = web.post("/antraege/neu", {"round_id": str(world.round.id)}, follow_redirects=True)

    assert "keinen Antrag anlegen" in response.get_data(as_text=True)
    assert db.session.scalars(select(Application)).all() == []


def test_second_create_in_same_round_leads_to_existing(web, world, make_application):
    web.login(world.users.speyer)
    web.get("/antraege/")  # the page is open while a colleague starts the application
    existing = make_application("submitted")

    response = web.post("/antraege/neu", {"round_id": str(world.round.id)})

    assert response.headers["Location"].endswith(f"/antraege/{existing.id}")
    assert len(db.session.scalars(select(Application)).all()) == 1


def test_a_member_city_is_not_offered_a_new_membership(web, world, make_application, client):
    """A city whose membership was approved applies in no further round (web and API)."""
    from api_support import Api, assert_problem, token_for
    from conftest import extra_round

    later = extra_round(world, "Spätere Runde")
    web.login(world.users.speyer)
    web.get("/antraege/")  # opened while the city was not yet a member
    approved = make_application("approved")
    page = web.get("/antraege/").get_data(as_text=True)
    assert "Antrag anlegen" not in page and "ist Mitglied des Netzwerks" in page
    assert f"/antraege/{approved.id}" in page

    response = web.post("/antraege/neu", {"round_id": str(later.id)})
    assert response.headers["Location"].endswith(f"/antraege/{approved.id}")
    problem = assert_problem(
        Api(client, token_for(world.users.speyer)).post(
            "/applications", json={"round_id": later.id}
        ),
        409,
    )
    assert "bereits Mitglied" in problem["detail"]
    assert problem["existing"].endswith(f"/applications/{approved.id}")
    assert len(db.session.scalars(select(Application)).all()) == 1


def test_create_without_round_is_bad_request(web, world):
    web.login(world.users.speyer)
    assert web.post("/antraege/neu", {}).status_code == 400
    assert web.post("/antraege/neu", {"round_id": "999"}).status_code == 404


# --- saving drafts --------------------------------------------------------------------------


def test_partial_draft_is_saved(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    web.get(_edit_url(application))

    data = {"version": str(application.case.version), "contact_name": "Maria Beispiel"}
    response = web.post(_edit_url(application), data, follow_redirects=True)

    assert "Entwurf gespeichert" in response.get_data(as_text=True)
    saved = _reload(application)
    assert saved.contact_name == "Maria Beispiel"
    assert saved.requested_amount is None and saved.projects == []
    assert saved.case.version == 2


def test_validation_error_keeps_every_value_and_stores_nothing(app, web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    before, files_before = _snapshot(application), _uploaded_files(app)
    typed = {
        "contact_name": "Maria Beispiel",
        "contact_email": "kein-at-zeichen",
        "projects-0-title": "T" * 201,
        "projects-0-period_start": "01.06.2020",
        "projects-0-period_end": "31.05.2020",
        "projects-0-estimated_cost": "12,345.00",
        "requested_amount": "-5,00",
        "own_contribution": "6.750,00",
    }
    data = _form(application, **typed)
    data["council_resolution"] = (io.BytesIO(minimal_pdf()), "Ratsbeschluss.pdf")

    response = web.post(_edit_url(application), data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in page
    assert "Höchstens 200 Zeichen." in page
    assert "Das Ende darf nicht vor dem Beginn liegen." in page
    assert "Bitte geben Sie einen Betrag in Euro an" in page
    assert "Der Betrag darf nicht negativ sein." in page
    assert 'aria-describedby="contact_email-error"' in page
    for value in typed.values():
        assert f'value="{value}"' in page
    assert "Online-Terminvergabe." in page and '<option selected value="verwaltung">' in page
    assert 'aria-describedby="None"' not in page
    assert "wurde nicht gespeichert" in page
    assert _snapshot(application) == before
    assert _uploaded_files(app) == files_before


def test_bad_date_is_refused_with_german_message(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    data = _form(application, **{"projects-0-period_start": "31.02.2020"})

    response = web.post(_edit_url(application), data)

    assert response.status_code == 422
    assert "Den 31.02.2020 gibt es nicht im Kalender." in response.get_data(as_text=True)


def test_german_formats_in_and_out(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)

    web.post(_edit_url(application), _form(application))

    saved = _reload(application)
    assert saved.requested_amount == Decimal("60750.00")
    assert saved.projects[0].period_start == date(2019, 5, 14)
    assert saved.projects[0].estimated_cost == Decimal("67500.00")
    form_page = web.get(_edit_url(application)).get_data(as_text=True)
    assert 'value="60.750,00"' in form_page and 'value="14.05.2019"' in form_page
    detail = web.get(f"/antraege/{application.id}").get_data(as_text=True)
    assert "60.750,00\xa0€" in detail and "14.05.2019" in detail


def test_add_and_remove_projects(web, world, make_application):
    application = make_application("draft")
    web.login(world.users.speyer)
    project_id = str(application.projects[0].id)

    response = web.post(
        _edit_url(application),
        _form(application, **{"projects-0-project_id": project_id, "add_project": "1"}),
    )
    assert response.headers["Location"].endswith(_edit_url(application) + "#projekte")
    saved = _reload(application)
    assert len(saved.projects) == 2 and saved.projects[1].title is None

    page = web.get(_edit_url(application)).get_data(as_text=True)
    assert "Projekt 2" in page and "Projekt entfernen" in page
    data = _form(
        saved,
        **{"projects-0-project_id": project_id, "projects-0-remove": "y"},
        **{
            "projects-1-project_id": str(saved.projects[1].id),
            "projects-1-title": "Smarte Parkplätze",
        },
    )
    web.post(_edit_url(application), data)

    titles = [p.title for p in _reload(application).projects]
    assert titles == ["Smarte Parkplätze"]


def test_completeness_checklist_on_edit_page(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)

    page = web.get(_edit_url(application)).get_data(as_text=True)

    assert "Vollständigkeit" in page and "Ratsbeschluss (PDF)" in page


def test_an_amount_above_the_standard_amount_is_named_in_the_checklist_at_once(
    web, world, make_application
):
    """Saved as a draft (nothing is lost), and the completeness box says at once why it
    could not be submitted, instead of the submission refusing it later."""
    application = make_application("draft")
    web.login(world.users.speyer)
    form = _form(
        application,
        **{
            "projects-0-project_id": str(application.projects[0].id),
            "projects-0-period_start": None,
            "projects-0-period_end": None,
            "projects-0-estimated_cost": "90.000,00",
            "requested_amount": "70.000,00",
            "own_contribution": "20.000,00",
        },
    )
    form |= {
        f"projects-0-{n}": getattr(application.projects[0], n).strftime("%d.%m.%Y")
        for n in ("period_start", "period_end")
    }
    assert web.post(_edit_url(application), form).status_code == 302
    assert _reload(application).requested_amount == Decimal("70000.00")

    page = web.get(_edit_url(application)).get_data(as_text=True)
    checklist = page.split('id="checklist-title"')[1].split("</section>")[0]
    assert "So kann der Antrag nicht eingereicht werden" in checklist
    assert "übersteigt den Regelbetrag der Runde" in checklist
    assert "vollständig und kann" not in checklist


# --- uploads --------------------------------------------------------------------------------


def test_pdf_upload_is_stored_and_shown(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    data = _form(application, council_resolution=(io.BytesIO(minimal_pdf()), "Beschluss.pdf"))

    assert web.post(_edit_url(application), data).status_code == 302

    resolution = _reload(application).council_resolution
    assert resolution.original_name == "Beschluss.pdf"
    assert "Aktuell hochgeladen" in web.get(_edit_url(application)).get_data(as_text=True)


def test_non_pdf_upload_is_refused(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    data = _form(application, council_resolution=(io.BytesIO(b"MZ\x90\x00 kein PDF"), "x.pdf"))

    response = web.post(_edit_url(application), data)

    assert response.status_code == 422
    assert "Die Datei ist kein PDF-Dokument" in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).all() == []


def test_upload_over_ten_megabytes_is_refused(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    pdf = minimal_pdf()
    big = pdf[:-6] + b" " * (10 * 1024 * 1024) + pdf[-6:]
    data = _form(application, council_resolution=(io.BytesIO(big), "gross.pdf"))

    response = _post_large(web, _edit_url(application), data)

    assert response.status_code == 422
    assert "Die Datei ist größer als 10 MB." in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).all() == []


def test_request_over_max_content_length_gets_readable_413(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)
    huge = io.BytesIO(b"%PDF-" + b" " * (12 * 1024 * 1024))
    data = _form(application, council_resolution=(huge, "riesig.pdf"))

    response = _post_large(web, _edit_url(application), data)

    assert response.status_code == 413
    assert "Die Datei ist zu groß" in response.get_data(as_text=True)
