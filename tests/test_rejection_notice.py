"""The rejection notice: a co-signed rejection gives a written decision with reasons (§ 39 VwVfG)."""

import io
from datetime import UTC, datetime

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from funding_support import act
from pypdf import PdfReader
from sqlalchemy import select

from antrag.clock import frozen_at
from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.files import upload_folder
from antrag.mail.models import OutboxMessage
from antrag.notices import consent
from antrag.notices.models import RejectionNotice
from antrag.notices.rejection_rules import rejection_notice_of


@pytest.fixture
def rejection(make_application, world):
    """The drafted rejection notice of a co-signed rejection of Speyer's application."""
    application = make_application("rejected")
    return rejection_notice_of(application)


def test_the_co_signed_rejection_drafts_a_notice_with_the_proposals_reasons(rejection, world):
    assert rejection.case.state == "drafted"
    assert rejection.reasons == "Nicht förderfähig."
    assert rejection.file_reference.startswith("DS-")
    assert rejection.application.case.state == "rejected"
    assert rejection.application.holds_round_slot is None


def test_the_decision_mail_does_not_read_as_the_decision(rejection):
    (mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "decision")
    ).all()
    assert "Bescheid wird vorbereitet" in mail.subject
    assert "noch keine Entscheidung" in mail.body and "Abgelehnt" not in mail.body


def test_only_who_may_sign_issues_it(rejection, world):
    with pytest.raises(GuardRefused, match="Zeichnungsbefugnis"):
        act(rejection, "issue", world.users.reviewer)


def test_issued_by_post_with_reasons_and_appeal_instructions(rejection, world):
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(rejection, "issue", world.users.reviewer)
    assert rejection.case.state == "issued" and rejection.service_mode == "post"
    assert rejection.action_period_ends_on is not None
    pdf = (upload_folder() / rejection.pdf_stored_name).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ablehnungsbescheid" in text and "Nicht förderfähig." in text
    assert "Verwaltungsgericht Neustadt" in text and "innerhalb eines Monats" in text
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "notice_issued")
    ).one()
    assert "Ablehnungsbescheid" in mail.subject


def test_empty_reasons_are_refused(rejection, world):
    world.users.reviewer.can_sign = True
    rejection.reasons = " "
    db.session.commit()
    with pytest.raises(GuardRefused, match="§ 39 VwVfG"):
        act(rejection, "issue", world.users.reviewer)


def test_the_signer_edits_the_reasons_on_the_page(rejection, world, make_web):
    world.users.reviewer.can_sign = True
    db.session.commit()
    web = make_web(world.users.reviewer)
    url = f"/bescheide/ablehnungen/{rejection.id}"
    assert "Nicht förderfähig." in web.get(url).get_data(as_text=True)
    form = {"reasons": "Das Budget der Runde ist erschöpft.", "version": rejection.case.version}
    assert web.post(f"{url}/begruendung", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(RejectionNotice, rejection.id).reasons.startswith("Das Budget")
    assert web.post(f"{url}/begruendung", form | {"reasons": ""}).status_code == 422


def test_the_city_waives_and_the_rejection_becomes_final(rejection, world, make_web):
    world.users.reviewer.can_sign = True
    world.users.speyer.may_represent = True
    db.session.commit()
    act(rejection, "issue", world.users.reviewer)
    web = make_web(world.users.speyer)
    form = {"trigger": "waive_appeal", "version": rejection.case.version, "comment": ""}
    url = f"/bescheide/ablehnungen/{rejection.id}/aktion"
    assert web.post(url, form).status_code == 422
    assert web.post(url, form | {"confirm_waiver": "y"}).status_code == 302
    db.session.expire_all()
    assert rejection.case.state == "final" and rejection.appeal_waived_at is not None


def test_the_notice_list_shows_rejections_to_the_city_concerned_and_the_ministry(
    rejection, world, make_web
):
    link = f"/bescheide/ablehnungen/{rejection.id}"
    # While drafted, the notice is the ministry's work: not listed for the city.
    assert link not in make_web(world.users.speyer).get("/bescheide/").get_data(as_text=True)
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(rejection, "issue", world.users.reviewer)
    ministry = make_web(world.users.reviewer).get("/bescheide/").get_data(as_text=True)
    city = make_web(world.users.speyer).get("/bescheide/").get_data(as_text=True)
    other = make_web(world.users.andernach).get("/bescheide/").get_data(as_text=True)

    assert "Ablehnungsbescheide" in ministry and link in ministry
    assert link in city and rejection.file_reference in city
    assert link not in other and "Ablehnungsbescheide" not in other


def test_the_api_shows_the_rejection_and_the_citys_download_retrieves_it(rejection, world, client):
    """Through the API as on the web: reasons, court, service; the first download counts."""
    world.users.reviewer.can_sign = True
    world.users.speyer.may_represent = True
    consent.declare(world.users.speyer)
    db.session.commit()
    with frozen_at(datetime(2025, 7, 31, 9, tzinfo=UTC)):
        act(rejection, "issue_electronically", world.users.reviewer)
    city = Api(client, token_for(world.users.speyer))
    url = f"/rejection-notices/{rejection.id}"

    body = assert_ok(city.get(url))
    assert body["reasons"] == rejection.reasons and body["state"] == "provided"
    assert body["court"] == "Verwaltungsgericht Neustadt an der Weinstraße"
    assert body["service"]["mode"] == "electronic" and body["service"]["made_known_on"] is None
    with frozen_at(datetime(2025, 8, 1, 10, tzinfo=UTC)):
        pdf = city.get(body["pdf_url"].removeprefix("/api/v1"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    service = assert_ok(city.get(url))["service"]
    assert (service["retrieved_at"][:10], service["made_known_on"]) == ("2025-08-01", "2025-08-02")
    other = Api(client, token_for(world.users.andernach))
    assert_problem(other.get(url), 404)
    assert_problem(other.get(f"{url}/pdf"), 404)
