"""The shared case page: status, progress, history, actions, attachments and who may see them."""

import re

import pytest
from form_support import project_start
from sqlalchemy import select

from antrag.applications.models import Application
from antrag.engine.models import HistoryEntry
from antrag.extensions import db

VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def _detail(application) -> str:
    return f"/antraege/{application.id}"


def _act(web, application, trigger, comment=None, version=None):
    """Open the case page, then fire `trigger` with the version it shows (or the stored one)."""
    page = web.get(_detail(application)).get_data(as_text=True)
    shown = VERSION_RE.search(page)
    if version is None:
        db.session.expire_all()
        version = (
            shown.group(1) if shown else db.session.get(Application, application.id).case.version
        )
    data = {"trigger": trigger, "version": str(version)}
    if comment is not None:
        data["comment"] = comment
    return web.post(f"/antraege/{application.id}/aktion", data)


def _state(application) -> str:
    db.session.expire_all()
    return db.session.get(Application, application.id).state


def _history_count() -> int:
    return len(db.session.scalars(select(HistoryEntry.id)).all())


# --- submitting and the applicant's actions -------------------------------------------------


def test_complete_application_is_submitted_and_shows_next_step(web, world, make_application):
    application = make_application("draft")
    web.login(world.users.speyer)
    assert "Antrag einreichen</button>" in web.get(_detail(application)).get_data(as_text=True)

    response = _act(web, application, "submit")

    assert response.status_code == 302 and _state(application) == "submitted"
    page = web.get(_detail(application)).get_data(as_text=True)
    assert "Neuer Status: Eingereicht" in page
    assert "Das Ministerium übernimmt den Antrag in die Prüfung." in page
    assert "das Ministerium (Prüfung)" in page
    assert "Antrag bearbeiten" not in page


def test_incomplete_application_shows_reason_instead_of_submit_button(web, world, make_application):
    application = make_application("draft", complete=False)
    web.login(world.users.speyer)

    page = web.get(_detail(application)).get_data(as_text=True)

    assert "Antrag einreichen</button>" not in page
    assert "Der Antrag ist noch unvollständig. Es fehlen:" in page
    assert "Antrag bearbeiten" in page


def test_change_request_is_answered_and_resubmitted(web, world, make_application):
    application = make_application("changes_requested")
    web.login(world.users.speyer)
    edit_url = f"/antraege/{application.id}/bearbeiten"
    form_page = web.get(edit_url).get_data(as_text=True)
    assert "Bitte Kostenschätzung ergänzen." in form_page

    data = {
        "version": str(application.case.version),
        "contact_name": "Neue Ansprechperson",
        "projects-0-project_id": str(application.projects[0].id),
        "projects-0-title": "Digitales Bürgerbüro",
    }
    assert web.post(edit_url, data).status_code == 302
    db.session.expire_all()
    assert application.contact_name == "Neue Ansprechperson"
    missing = web.get(_detail(application)).get_data(as_text=True)
    assert "Überarbeiteten Antrag einreichen</button>" not in missing  # the save left gaps

    db.session.expire_all()
    web.post(edit_url, _complete_post(application))
    assert _act(web, application, "resubmit").status_code == 302
    assert _state(application) == "in_review"


def _complete_post(application) -> dict:
    project = application.projects[0]
    return {
        "version": str(application.case.version),
        "contact_name": "Neue Ansprechperson",
        "contact_function": "Digitalisierungsbeauftragte",
        "contact_email": "neu@speyer.de",
        "contact_phone": "06232 14-0",
        "head_of_administration": "Oberbürgermeisterin Erika Muster",
        "projects-0-project_id": str(project.id),
        "projects-0-title": "Digitales Bürgerbüro",
        "projects-0-description": "Online-Terminvergabe.",
        "projects-0-field_of_action": "verwaltung",
        "projects-0-period_start": project_start(),
        "projects-0-period_end": "31.12.2027",
        "projects-0-estimated_cost": "67.500,00",
        "requested_amount": "60.750,00",
        "own_contribution": "6.750,00",
        "declaration_no_early_start": "y",
        "declaration_accuracy": "y",
        "declaration_privacy": "y",
    }


def test_applicant_withdraws_with_optional_reason(web, world, make_application):
    application = make_application("submitted")
    web.login(world.users.speyer)

    _act(web, application, "withdraw", comment="Kein Bedarf mehr.")

    assert _state(application) == "withdrawn"
    page = web.get(_detail(application)).get_data(as_text=True)
    assert "Abschluss: Zurückgezogen" in page and "Kein Bedarf mehr." in page


def test_edit_is_closed_after_submission(web, world, make_application):
    application = make_application("submitted")
    web.login(world.users.speyer)
    edit_url = f"/antraege/{application.id}/bearbeiten"

    response = web.get(edit_url, follow_redirects=True)
    assert "kann nicht bearbeitet werden" in response.get_data(as_text=True)
    assert web.post(edit_url, {"version": str(application.case.version)}).status_code == 409


def test_reviewer_may_not_open_the_form(make_web, world, make_application):
    application = make_application("changes_requested")
    reviewer = make_web(world.users.reviewer)
    assert reviewer.get(f"/antraege/{application.id}/bearbeiten").status_code == 403


# --- conflicts and bad input ----------------------------------------------------------------


def test_stale_version_on_save_is_a_conflict(make_web, world, make_application):
    application = make_application("draft")
    first, second = make_web(world.users.speyer), make_web(world.users.speyer)
    edit_url = f"/antraege/{application.id}/bearbeiten"
    first.get(edit_url)
    second.get(edit_url)
    version = str(application.case.version)

    assert first.post(edit_url, {"version": version, "contact_name": "Erste"}).status_code == 302
    response = second.post(edit_url, {"version": version, "contact_name": "Zweite"})

    assert response.status_code == 409
    assert "inzwischen von jemand anderem geändert" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.contact_name == "Erste"


def test_stale_version_on_action_is_a_conflict(make_web, world, make_application):
    application = make_application("draft")
    seen = application.case.version
    page, editor = make_web(world.users.speyer), make_web(world.users.speyer)
    page.get(_detail(application))
    editor.get(f"/antraege/{application.id}/bearbeiten")
    editor.post(f"/antraege/{application.id}/bearbeiten", {"version": str(seen)})

    response = _act(page, application, "submit", version=seen)

    assert response.status_code == 409 and _state(application) == "draft"


def test_a_conflict_keeps_the_typed_comment_ready_to_send_again(make_web, world, make_application):
    """Saved in another tab meanwhile: the conflict is shown with the comment, on a fresh form."""
    application = make_application("draft")
    seen = application.case.version
    page, editor = make_web(world.users.speyer), make_web(world.users.speyer)
    editor.get(f"/antraege/{application.id}/bearbeiten")
    editor.post(f"/antraege/{application.id}/bearbeiten", {"version": str(seen)})

    typed = "Wir ziehen <b>zurück</b>: Förderfähigkeit fraglich."
    response = _act(page, application, "withdraw", comment=typed, version=seen)

    html = response.get_data(as_text=True)
    assert response.status_code == 409 and _state(application) == "draft"
    assert "inzwischen von jemand anderem geändert" in html
    assert "Wir ziehen &lt;b&gt;zurück&lt;/b&gt;: Förderfähigkeit fraglich.</textarea>" in html
    db.session.expire_all()
    fresh = db.session.get(Application, application.id).case.version
    assert fresh != seen and f'name="version" value="{fresh}"' in html


def test_a_conflict_shows_the_comment_when_the_action_is_gone(make_web, world, make_application):
    """Another clerk acted first: the action is no longer offered, the typed text is shown."""
    application = make_application("in_review")
    seen = application.case.version
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    _act(anna, application, "request_changes", comment="Bitte den Zeitplan ergänzen.")

    response = _act(ben, application, "request_changes", comment="Mein Text", version=seen)

    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Mein Text" in html
    assert "inzwischen von jemand anderem geändert" in html


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_missing_or_bad_version_is_a_bad_request(web, world, make_application, version):
    application = make_application("draft")
    web.login(world.users.speyer)
    web.get(_detail(application))
    data = {"trigger": "submit"} | ({} if version is None else {"version": version})

    response = web.post(f"/antraege/{application.id}/aktion", data)

    assert response.status_code == 400 and _state(application) == "draft"


def test_action_without_required_comment_keeps_typed_values(make_web, world, make_application):
    application = make_application("in_review")
    reviewer = make_web(world.users.reviewer)
    before = _history_count()

    response = _act(reviewer, application, "request_changes", comment="   ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie eine Beschreibung der gewünschten Änderungen an." in page
    assert 'href="#comment-request_changes"' in page
    assert 'aria-describedby="comment-request_changes-error"' in page

    long_comment = "Zu lang. " * 600
    response = _act(reviewer, application, "request_changes", comment=long_comment)
    assert response.status_code == 422 and long_comment in response.get_data(as_text=True)
    assert _state(application) == "in_review" and _history_count() == before


def test_unknown_trigger_is_refused(web, world, make_application):
    application = make_application("draft")
    web.login(world.users.speyer)
    assert _act(web, application, "to_approved").status_code == 400


# --- four eyes ------------------------------------------------------------------------------


def _outbox(template: str) -> list:
    from antrag.mail.models import OutboxMessage

    return list(db.session.scalars(select(OutboxMessage).filter_by(template=template)))


def test_proposer_sees_four_eyes_reason_and_second_reviewer_approves(
    make_web, world, make_application
):
    application = make_application("in_review")
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    _act(anna, application, "propose_approval", comment="Vollständig und förderfähig.")

    page = anna.get(_detail(application)).get_data(as_text=True)
    assert "Bewilligung mitzeichnen</button>" not in page
    assert "Nach dem Vier-Augen-Prinzip entscheidet eine zweite Person" in page
    assert "also Sie" not in page
    assert "eine zweite Person im Ministerium (Vier-Augen-Prinzip), nicht Sie" in page
    assert _act(anna, application, "approve").status_code == 422
    asked = {m.recipient for m in _outbox("proposal_to_cosign")}
    assert world.users.reviewer.email not in asked and world.users.reviewer2.email in asked
    assert "also Sie" in ben.get(_detail(application)).get_data(as_text=True)

    assert "Bewilligung mitzeichnen</button>" in ben.get(_detail(application)).get_data(
        as_text=True
    )
    assert _act(ben, application, "approve").status_code == 302
    assert _state(application) == "approved"


def test_progress_and_history_of_an_approved_case(web, world, make_application):
    application = make_application("approved")
    web.login(world.users.speyer)

    page = web.get(_detail(application)).get_data(as_text=True)

    assert 'aria-current="step"' in page and "Abschluss: Bewilligt" in page
    assert "Änderungen angefordert" in page and "nicht durchlaufen" in page
    assert "<td>Bewilligung mitzeichnen</td>" in page
    assert 'Bewilligung vorgeschlagen <span aria-hidden="true">→</span>' in page
    assert "Ministerium (Prüfung)" in page and " Uhr" in page
    assert "Vollständig und förderfähig." not in page  # the proposal is the ministry's


def test_open_case_lists_every_outcome(web, world, make_application):
    application = make_application("draft")
    web.login(world.users.speyer)
    page = web.get(_detail(application)).get_data(as_text=True)
    assert "Abschluss: Bewilligt, Abgelehnt oder Zurückgezogen" in page
    assert "noch nicht erreicht" in page


# --- attachments and visibility -------------------------------------------------------------


def _download(client, application):
    url = f"/antraege/{application.id}/anhaenge/{application.council_resolution.id}"
    response = client.get(url)
    response.close()
    return response


def test_own_city_downloads_attachment(web, world, make_application):
    application = make_application("draft")
    web.login(world.users.speyer)

    response = _download(web, application)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/pdf"


@pytest.mark.parametrize("who", ["andernach", "mentor", "admin", "reviewer"])
def test_attachment_is_hidden_from_others(make_web, world, make_application, who):
    application = make_application("draft")
    assert _download(make_web(getattr(world.users, who)), application).status_code == 404


def test_reviewer_downloads_after_submission(make_web, world, make_application):
    application = make_application("submitted")
    assert _download(make_web(world.users.reviewer), application).status_code == 200


def test_attachment_of_another_application_is_not_found(web, world, make_application):
    own = make_application("draft")
    other = make_application("draft", municipality=world.andernach)
    web.login(world.users.speyer)
    response = web.get(f"/antraege/{own.id}/anhaenge/{other.council_resolution.id}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "/bearbeiten"),
        ("post", "/bearbeiten"),
        ("post", "/aktion"),
        ("get", "/anhaenge/{attachment}"),
    ],
)
def test_other_city_gets_not_found_everywhere(make_web, world, make_application, method, path):
    application = make_application("submitted")
    other = make_web(world.users.andernach)
    other.get("/antraege/")
    url = f"/antraege/{application.id}" + path.format(attachment=application.council_resolution.id)
    data = {"version": str(application.case.version), "trigger": "withdraw"}
    response = other.get(url) if method == "get" else other.post(url, data)
    response.close()
    assert response.status_code == 404
    assert _state(application) == "submitted"


@pytest.mark.parametrize("who", ["mentor", "admin"])
def test_mentor_and_admin_cannot_see_applications(make_web, world, make_application, who):
    application = make_application("submitted")
    assert make_web(getattr(world.users, who)).get(_detail(application)).status_code == 404


def test_the_city_does_not_see_what_is_internal_to_the_ministry(
    make_web, world, make_application, client
):
    """Proposals, send-backs and the co-signer's comment stay in the ministry (and the case
    file); the city sees the steps it is concerned by, and the comments addressed to it."""
    from api_support import Api, assert_ok, token_for

    application = make_application("in_review")
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    _act(anna, application, "propose_approval", comment="Intern: förderfähig, knapp.")
    _act(ben, application, "send_back", comment="Intern: bitte Kosten prüfen.")
    _act(anna, application, "request_changes", comment="Bitte ergänzen Sie die Kosten.")
    db.session.expire_all()
    assert _state(application) == "changes_requested"

    city = make_web(world.users.speyer).get(_detail(application)).get_data(as_text=True)
    ministry = anna.get(_detail(application)).get_data(as_text=True)
    for internal in ("Intern: förderfähig", "Intern: bitte Kosten", "Bewilligung vorschlagen<"):
        assert internal not in city and internal in ministry.replace("</td>", "<")
    assert "Bitte ergänzen Sie die Kosten." in city

    history = assert_ok(
        Api(client, token_for(world.users.speyer)).get(f"/applications/{application.id}/history")
    )["items"]
    assert [e["trigger"] for e in history] == ["start", "submit", "start_review", "request_changes"]
    full = assert_ok(
        Api(client, token_for(world.users.reviewer)).get(f"/applications/{application.id}/history")
    )["items"]
    assert "propose_approval" in [e["trigger"] for e in full]


def test_the_co_signers_comment_is_withheld_from_the_city(
    make_web, world, make_application, client
):
    from api_support import Api, assert_ok, token_for

    application = make_application("proposed_approval")
    _act(make_web(world.users.reviewer2), application, "approve", comment="Intern: passt.")
    city = make_web(world.users.speyer).get(_detail(application)).get_data(as_text=True)
    assert "Bewilligung mitzeichnen" in city and "Intern: passt." not in city
    history = assert_ok(
        Api(client, token_for(world.users.speyer)).get(f"/applications/{application.id}/history")
    )["items"]
    approve = history[-1]
    assert (approve["trigger"], approve["comment"], approve["comment_withheld"]) == (
        "approve",
        None,
        True,
    )
