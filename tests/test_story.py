"""The whole story through the test client: from an empty draft to approved, and to rejected."""

import io
import re

import pytest
from form_support import project_start

from antrag.applications.models import Application
from antrag.applications.storage import minimal_pdf
from antrag.engine import history
from antrag.extensions import db

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


def _version(page: str) -> str:
    match = VERSION_RE.search(page)
    assert match, "the page carries the case version"
    return match.group(1)


def _state(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).case.state


def _act(web, application_id, trigger, comment=None):
    page = web.get(f"/antraege/{application_id}").get_data(as_text=True)
    data = {"trigger": trigger, "version": _version(page)}
    if comment is not None:
        data["comment"] = comment
    response = web.post(f"/antraege/{application_id}/aktion", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def _project_id(page: str) -> str:
    """Return the id of the form's first project, so that filling in again replaces it."""
    match = re.search(r'name="projects-0-project_id"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="projects-0-project_id"', page
    )
    return match.group(1) if match else ""


def _fill_in(web, application_id):
    """Fill in the whole form as the city's officer, with the council resolution."""
    url = f"/antraege/{application_id}/bearbeiten"
    page = web.get(url).get_data(as_text=True)
    response = web.post(
        url,
        {
            "version": _version(page),
            "contact_name": "Maria Beispiel",
            "contact_function": "Digitalisierungsbeauftragte",
            "contact_email": "maria.beispiel@speyer.de",
            "contact_phone": "06232 14-0",
            "head_of_administration": "Oberbürgermeisterin Erika Muster",
            "projects-0-project_id": _project_id(page),
            "projects-0-title": "Digitales Bürgerbüro",
            "projects-0-description": "Online-Terminvergabe und Antragsstrecken.",
            "projects-0-field_of_action": "verwaltung",
            "projects-0-period_start": project_start(),
            "projects-0-period_end": "31.12.2027",
            "projects-0-estimated_cost": "67.500,00",
            "requested_amount": "60.750,00",
            "own_contribution": "6.750,00",
            "declaration_no_early_start": "y",
            "declaration_accuracy": "y",
            "declaration_privacy": "y",
            "council_resolution": (io.BytesIO(minimal_pdf()), "Ratsbeschluss.pdf"),
            "save": "Entwurf speichern",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _start_draft(web, world) -> int:
    web.get("/antraege/")  # the page with "Antrag anlegen" and its one-time form token
    response = web.post("/antraege/neu", {"round_id": world.round.id})
    assert response.status_code == 302
    return int(re.search(r"/antraege/(\d+)/bearbeiten", response.headers["Location"]).group(1))


@pytest.mark.parametrize(
    ("decision", "proposal", "final"),
    [("approve", "propose_approval", "approved"), ("reject", "propose_rejection", "rejected")],
)
def test_from_empty_draft_to_decision(make_web, world, decision, proposal, final):
    city = make_web(world.users.speyer)
    anna = make_web(world.users.reviewer)
    ben = make_web(world.users.reviewer2)

    application_id = _start_draft(city, world)
    assert _state(application_id) == "draft"
    assert anna.get(f"/antraege/{application_id}").status_code == 404  # drafts stay private

    _fill_in(city, application_id)
    _act(city, application_id, "submit")
    assert _state(application_id) == "submitted"
    assert "Speyer" in anna.get("/pruefung/").get_data(as_text=True)

    _act(anna, application_id, "start_review")
    _act(anna, application_id, "request_changes", "Bitte den Zeitplan präzisieren.")
    assert _state(application_id) == "changes_requested"
    assert "Bitte den Zeitplan präzisieren." in city.get(f"/antraege/{application_id}").get_data(
        as_text=True
    )

    _fill_in(city, application_id)
    _act(city, application_id, "resubmit")
    assert _state(application_id) == "in_review"

    _act(anna, application_id, proposal, "Begründung des Vorschlags.")
    page = anna.get(f"/antraege/{application_id}").get_data(as_text=True)
    assert "Vier-Augen-Prinzip" in page
    _act(ben, application_id, decision)
    assert _state(application_id) == final

    page = city.get(f"/antraege/{application_id}").get_data(as_text=True)
    for label in ("Eingereicht", "In Prüfung", "Änderungen angefordert"):
        assert label in page
    # The proposal is internal to the ministry: its reasons reach the city with the notice.
    assert "Begründung des Vorschlags." not in page
    assert "Begründung des Vorschlags." in anna.get(f"/antraege/{application_id}").get_data(
        as_text=True
    )
    triggers = [e.trigger for e in db.session.get(Application, application_id).case.history]
    assert triggers == [
        "start",
        "submit",
        "start_review",
        "request_changes",
        "resubmit",
        proposal,
        decision,
    ]
    assert history.verify()[1] is None
