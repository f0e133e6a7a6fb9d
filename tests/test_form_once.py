"""Every creating form is stored once, however often the browser sends it (one-time tokens)."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from funding_support import final_notice, proof_of
from meetings_support import form, make_meeting_fixture, sign_up  # noqa: F401 - fixture
from sqlalchemy import func, select

from antrag.accounts.invitations import Invitation
from antrag.api.models import ApiToken
from antrag.applications.models import Application
from antrag.applications.storage import minimal_pdf
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.funding.models import CallOff, ProofAttachment
from antrag.idempotency.models import FormSubmission
from antrag.meetings.models import Meeting, MeetingRegistration
from antrag.network.models import AccessibilityFeedback
from antrag.programme.models import Municipality, Programme

AGAIN = "Dieses Formular war bereits abgeschickt worden und wurde nur einmal gespeichert."
EXPIRED = "Das Formular ist abgelaufen oder unvollständig."


@dataclass
class Sending:
    """Who sends which creating form, from which page, and what it creates."""

    who: str | None  # a user of the world, or None for a public form
    page: str
    url: str
    data: object  # a callable returning fresh form data (a file can be read only once)
    model: type


def call_off(world, make_application, make_meeting):
    notice = final_notice(make_application, world)
    page = f"/bescheide/{notice.id}"
    return Sending("speyer", page, page + "/abrufe", lambda: {"amount": "1.000,00"}, CallOff)


def application(world, make_application, make_meeting):
    data = {"round_id": str(world.round.id)}
    return Sending("speyer", "/antraege/", "/antraege/neu", lambda: data, Application)


def proof_attachment(world, make_application, make_meeting):
    proof = proof_of(final_notice(make_application, world))
    page = f"/bescheide/nachweise/{proof.id}"
    version = proof.case.version

    def data():
        return {"version": version, "document": (io.BytesIO(minimal_pdf()), "Beleg.pdf")}

    return Sending("speyer", page, page + "/belege", data, ProofAttachment)


def registration(world, make_application, make_meeting):
    page = f"/netzwerktreffen/{make_meeting().id}"
    return Sending(None, page, page, lambda: form(world.pirmasens), MeetingRegistration)


def api_token(world, make_application, make_meeting):
    page = "/konto/api-tokens"
    return Sending("speyer", page, page, lambda: {"name": "Fachverfahren"}, ApiToken)


def invitation(world, make_application, make_meeting):
    town = Municipality(ags="07340216", name="Landstuhl", kind="verbandsfreie_gemeinde")
    db.session.add(town)
    db.session.commit()
    lead, _ = sign_up(make_meeting(), town, "buergermeister@landstuhl.de", interested=True)
    page = "/netzwerktreffen/verwaltung/interessenten"
    url = f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen"
    return Sending("admin", page, url, dict, Invitation)


def barrier_report(world, make_application, make_meeting):
    page = "/barrierefreiheit/barriere-melden"
    data = {"description": "Der Kontrast ist zu gering."}
    return Sending(None, page, page, lambda: data, AccessibilityFeedback)


def meeting(world, make_application, make_meeting):
    page = "/netzwerktreffen/verwaltung/neu"
    data = {
        "title": "3. Netzwerktreffen",
        "day": "14.05.2031",
        "start_time": "10:00",
        "end_time": "16:30",
        "place": "Stadthalle Andernach",
        "capacity": "40",
    }
    return Sending("reviewer", page, page, lambda: data, Meeting)


def programme(world, make_application, make_meeting):
    page = "/verwaltung/programme/neu"
    return Sending("admin", page, page, lambda: {"name": "Smarte Dörfer"}, Programme)


FORMS = [
    call_off,
    application,
    proof_attachment,
    registration,
    api_token,
    invitation,
    barrier_report,
    meeting,
    programme,
]


@pytest.fixture
def sending(request, world, make_application, make_meeting):
    return request.param(world, make_application, make_meeting)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def web_of(make_web, world, who):
    return make_web(getattr(world.users, who) if who else None)


@pytest.mark.parametrize("sending", FORMS, indirect=True, ids=lambda f: f.__name__)
def test_the_same_form_sent_twice_creates_once_and_leads_to_the_result(sending, make_web, world):
    web = web_of(make_web, world, sending.who)
    web.get(sending.page)
    token = {"form_token": web.form_tokens[sending.url]}
    before = count(sending.model)
    first = web.post(sending.url, sending.data() | token)
    assert first.status_code in (200, 302), first.get_data(as_text=True)
    assert count(sending.model) == before + 1

    again = web.post(sending.url, sending.data() | token)  # the browser sends it again

    assert again.status_code == 302
    assert again.headers["Location"] == first.headers.get("Location", "/konto/api-tokens")
    assert AGAIN in web.get(again.headers["Location"]).get_data(as_text=True)
    assert count(sending.model) == before + 1


@pytest.mark.parametrize("sending", FORMS, indirect=True, ids=lambda f: f.__name__)
def test_a_form_without_its_token_is_refused_and_stores_nothing(sending, make_web, world):
    web = web_of(make_web, world, sending.who)
    web.get(sending.page)
    before = count(sending.model)

    response = web.post(sending.url, sending.data() | {"form_token": ""})

    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert count(sending.model) == before


def test_a_form_older_than_its_lifetime_must_be_loaded_again(web, world, app):
    page = "/barrierefreiheit/barriere-melden"
    shown = utcnow()
    with frozen_at(shown):
        web.get(page)
    hours = app.config["FORM_TOKEN_HOURS"]
    with frozen_at(shown + timedelta(hours=hours, seconds=1)):
        late = web.post(page, {"description": "Zu spät."})
    assert late.status_code == 400 and EXPIRED in late.get_data(as_text=True)
    with frozen_at(shown + timedelta(hours=hours)):
        assert web.post(page, {"description": "Gerade noch."}).status_code == 302
    assert count(AccessibilityFeedback) == 1


def test_a_token_shown_to_one_account_does_not_work_for_another(make_web, world):
    speyer, andernach = make_web(world.users.speyer), make_web(world.users.andernach)
    speyer.get("/konto/api-tokens")
    stolen = speyer.form_tokens["/konto/api-tokens"]
    response = andernach.post("/konto/api-tokens", {"name": "Fremd", "form_token": stolen})
    assert response.status_code == 400
    assert count(ApiToken) == 0


def test_a_refused_form_keeps_its_token_for_the_corrected_sending(
    make_web, world, make_application
):
    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.get(f"/bescheide/{notice.id}")
    token = web.form_tokens[f"/bescheide/{notice.id}/abrufe"]
    url = f"/bescheide/{notice.id}/abrufe"

    refused = web.post(url, {"amount": "99.999,00", "form_token": token})
    corrected = web.post(url, {"amount": "1.000,00", "form_token": token})

    assert refused.status_code == 422 and "nur noch" in refused.get_data(as_text=True)
    assert corrected.status_code == 302
    assert db.session.scalars(select(CallOff.amount)).all() == [1000]


def test_what_a_sent_form_leaves_behind(make_web, world, make_application):
    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    web.fill(f"/bescheide/{notice.id}/abrufe", {"amount": "1,00"}, page=f"/bescheide/{notice.id}")
    (submission,) = db.session.scalars(select(FormSubmission)).all()
    call = db.session.scalar(select(CallOff))
    assert submission.endpoint == "funding.request_call_off_view"
    assert submission.result_url == f"/bescheide/abrufe/{call.id}"
    token = web.form_tokens[f"/bescheide/{notice.id}/abrufe"]
    assert token not in submission.token_hash and len(submission.token_hash) == 64
