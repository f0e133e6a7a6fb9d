"""An account made from an address typed on a public form reaches nothing until confirmed.

A stranger registers for a meeting as a city and ticks "interested in joining"; the ministry
makes an account from the lead. That account is `pending`: every city record answers 404
until an active account of the same city, or the ministry after stating that it checked the
person some other way, confirms it. The decision is recorded and logged.
"""

import re

import pytest
from conftest import PASSWORD, extra_round
from funding_support import final_notice, proof_of
from meetings_support import form, make_meeting_fixture  # noqa: F401 - fixture
from security_support import events
from sqlalchemy import select

from antrag.accounts.access_requests import AccessRequest, confirm, refuse, request_access
from antrag.accounts.models import User
from antrag.applications.models import Application
from antrag.extensions import db
from antrag.funding.models import CallOff, FundingNotice, ProofOfUse
from antrag.funding.operations import request_call_off
from antrag.mail.models import OutboxMessage

STRANGER = "hallo@speyer-digital.example"
INVITATION_LINK = re.compile(r"/konto/einladung/([A-Za-z0-9_-]+)")


def _request(world) -> AccessRequest:
    """A pending account for Speyer made from a lead, with a password set; return its request."""
    user, access_request, _token = request_access(
        email=STRANGER, name="Fremde Person", municipality=world.speyer, actor=world.users.reviewer
    )
    user.set_password(PASSWORD)
    db.session.commit()
    return access_request


@pytest.fixture
def records(world, make_application):
    """Speyer's draft and (in an earlier round) its final notice with a call-off and a proof."""
    world.users.mentor.mentor_capacity = 1
    earlier = extra_round(world, "Frühere Runde")
    notice = final_notice(lambda *a, **k: make_application(*a, round_=earlier, **k), world)
    call_off = request_call_off(world.users.speyer, notice, notice.amount / 2, None)
    draft = make_application("draft")
    db.session.commit()
    return {
        "draft": draft.id,
        "approved": notice.application_id,
        "notice": notice.id,
        "call_off": call_off.id,
        "proof": proof_of(notice).id,
    }


MODELS = {
    "draft": Application,
    "approved": Application,
    "notice": FundingNotice,
    "call_off": CallOff,
    "proof": ProofOfUse,
}
#                      draft  approved notice call_off proof
CAN_VIEW = {
    "own_city": (True, True, True, True, True),
    "pending": (False, False, False, False, False),
    "refused": (False, False, False, False, False),
    "confirmed": (True, True, True, True, True),
    "other_city": (False, False, False, False, False),
    "reviewer": (False, True, True, True, True),
}


def _who(world, role):
    """Return the account of `role`: a pending one is made, then decided as the role says."""
    if role in ("own_city", "other_city", "reviewer"):
        return {"own_city": world.users.speyer, "other_city": world.users.andernach}.get(
            role, world.users.reviewer
        )
    access_request = _request(world)
    if role == "confirmed":
        confirm(access_request, world.users.speyer)
    elif role == "refused":
        refuse(access_request, world.users.speyer)
    db.session.commit()
    return access_request.user


@pytest.mark.parametrize("role", CAN_VIEW)
def test_who_sees_the_citys_records(world, records, role):
    user = _who(world, role)
    seen = tuple(db.session.get(MODELS[k], records[k]).can_view(user) for k in MODELS)
    assert seen == CAN_VIEW[role]


#      page                                  as the pending account
PENDING_PAGES = [
    ("/konto/bestaetigung", 200),
    ("/antraege/", 403),
    ("/antraege/{draft}", 404),
    ("/antraege/{draft}/bearbeiten", 404),
    ("/antraege/{approved}", 404),
    ("/bescheide/", 403),
    ("/bescheide/{notice}", 404),
    ("/bescheide/{notice}/pdf", 404),
    ("/bescheide/abrufe/{call_off}", 404),
    ("/bescheide/nachweise/{proof}", 404),
    ("/projekte-teilen/", 403),
    ("/konto/api-tokens", 403),
    ("/zugangsanfragen/", 403),
    ("/pruefung/", 403),
]


def test_the_pending_account_sees_only_its_waiting_page(make_web, world, records):
    web = make_web(_request(world).user)
    home = web.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/konto/bestaetigung")
    answers = {page: web.get(page.format(**records)).status_code for page, _ in PENDING_PAGES}
    assert answers == dict(PENDING_PAGES)
    waiting = web.get("/konto/bestaetigung").get_data(as_text=True)
    assert "wartet auf Bestätigung" in waiting and "Speyer" in waiting
    assert "API-Zugänge" not in waiting


def test_the_pending_account_gets_no_mail_of_the_city(world, make_application):
    access_request = _request(world)
    application = make_application("submitted")
    assert access_request.user.id not in {u.id for u in application.recipients("applicant")}
    mailed = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert STRANGER in mailed  # its invitation only
    assert "digital@speyer.de" in mailed  # the city's own account hears of the request
    templates = db.session.scalars(
        select(OutboxMessage.template).where(OutboxMessage.recipient == STRANGER)
    ).all()
    assert templates == ["invitation"]
    (asked,) = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.template == "access_requested")
    ).all()
    assert f"/zugangsanfragen/{access_request.id}" in asked and "öffentlichen Formular" in asked


#  decider       ticks the risk box  answer  confirmed?
DECISIONS = [
    ("own_city", False, 302, True),
    ("other_city", False, 404, False),
    ("mentor", True, 403, False),
    ("reviewer", False, 422, False),
    ("reviewer", True, 302, True),
    ("admin", True, 302, True),
    ("pending", False, 403, False),
]


@pytest.mark.parametrize(("decider", "ticks", "status", "confirmed"), DECISIONS)
def test_who_may_confirm(make_web, world, caplog, decider, ticks, status, confirmed):
    caplog.set_level("INFO", logger="antrag.security")
    access_request = _request(world)
    users = {
        "own_city": world.users.speyer,
        "other_city": world.users.andernach,
        "pending": access_request.user,
    }
    actor = users.get(decider) or getattr(world.users, decider)
    web = make_web(actor)
    url = f"/zugangsanfragen/{access_request.id}"
    web.get(url)
    data = {"decision": "confirm"} | ({"risk_acknowledged": "y"} if ticks else {})
    response = web.post(url, data)
    assert response.status_code == status
    db.session.expire_all()
    user = access_request.user
    assert (user.role, user.municipality_id) == (
        ("applicant", world.speyer.id) if confirmed else ("pending", None)
    )
    if confirmed:
        assert access_request.decided_by_id == actor.id
        assert access_request.decided_as == ("city" if decider == "own_city" else "ministry")
        assert access_request.risk_acknowledged == ticks
        (event,) = events(caplog, "account_confirmed")
        assert event["user"] == str(actor.id) and event["object"] == f"User:{user.id}"
    if status == 422:
        assert "öffentlichen Formular und ist nicht geprüft" in response.get_data(as_text=True)


def test_a_refused_account_is_locked_out(make_web, world):
    access_request = _request(world)
    web = make_web(world.users.speyer)
    url = f"/zugangsanfragen/{access_request.id}"
    web.get(url)
    assert web.post(url, {"decision": "refuse"}).status_code == 302
    db.session.expire_all()
    assert access_request.outcome == "refused" and not access_request.user.active
    stranger = make_web()
    stranger.get("/anmelden")
    login = stranger.post("/anmelden", {"email": STRANGER, "password": PASSWORD})
    assert login.status_code == 200  # refused like a wrong password
    again = web.post(url, {"decision": "confirm"})
    page = again.get_data(as_text=True)
    assert again.status_code == 409 and "bereits entschieden" in page
    assert "Zugang bestätigen" not in page


def test_the_story_of_a_stranger_who_registers_as_a_city(make_web, make_meeting, world, caplog):
    """From the public form to a confirmed account, through the pages only."""
    caplog.set_level("INFO", logger="antrag.security")
    meeting = make_meeting()
    speyer = world.users.speyer
    officer = make_web(speyer)
    officer.get("/antraege/")
    created = officer.post("/antraege/neu", {"round_id": world.round.id})
    draft_url = created.headers["Location"].removesuffix("/bearbeiten")

    stranger = make_web()
    stranger.get(f"/netzwerktreffen/{meeting.id}")
    fields = form(world.speyer, email=STRANGER, interested_in_joining="y")
    assert stranger.post(f"/netzwerktreffen/{meeting.id}", fields).status_code == 302

    clerk = make_web(world.users.reviewer)
    leads = clerk.get("/netzwerktreffen/verwaltung/interessenten").get_data(as_text=True)
    assert "nicht geprüft" in leads and STRANGER in leads
    assert "digital@speyer.de" in leads and "Antrag: Testrunde, Entwurf" in leads
    registration_id = re.search(r"/interessenten/(\d+)/einladen", leads).group(1)
    invited = clerk.post(f"/netzwerktreffen/verwaltung/interessenten/{registration_id}/einladen")
    request_url = invited.headers["Location"]
    refused = clerk.post(request_url, {"decision": "confirm"})  # without the risk statement
    assert refused.status_code == 422

    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "invitation")
    ).one()
    link = INVITATION_LINK.search(mail.body).group(0)
    stranger.get(link)
    stranger.post(
        link, {"password": "ein-sehr-langes-passwort", "confirm": "ein-sehr-langes-passwort"}
    )
    user = db.session.scalars(select(User).where(User.email == STRANGER)).one()
    stranger.login(user, "ein-sehr-langes-passwort")
    assert "wartet auf Bestätigung" in stranger.get("/konto/bestaetigung").get_data(as_text=True)
    assert stranger.get(draft_url).status_code == 404

    home = officer.get("/antraege/").get_data(as_text=True)
    assert "wartet auf Ihre Bestätigung" in home
    listed = officer.get("/zugangsanfragen/").get_data(as_text=True)
    assert f'href="{request_url.removeprefix("http://antrag.test")}"' in listed
    officer.get(request_url)
    assert officer.post(request_url, {"decision": "confirm"}).status_code == 302

    assert stranger.get(draft_url).status_code == 200
    decided = db.session.scalars(select(AccessRequest)).one()
    assert (decided.decided_by_id, decided.decided_as) == (speyer.id, "city")
    assert [e["user"] for e in events(caplog, "account_confirmed")] == [str(speyer.id)]
    confirmed_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "access_confirmed")
    ).one()
    assert confirmed_mail.recipient == STRANGER and "Speyer" in confirmed_mail.body
