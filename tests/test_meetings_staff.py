"""The ministry's side of the meetings: planning, registrations, leads, one-click invitations."""

import re
from datetime import UTC, datetime

import pytest
from meetings_support import make_meeting_fixture, sign_up  # noqa: F401 - fixture
from sqlalchemy import select

from antrag.accounts.invitations import Invitation
from antrag.accounts.models import User
from antrag.clock import frozen_at
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.meetings.models import Meeting
from antrag.programme.models import Municipality


@pytest.fixture
def lead(make_meeting, world):
    """A registration from a non-member town that is interested in joining."""
    town = Municipality(ags="07340216", name="Landstuhl", kind="verbandsfreie_gemeinde")
    db.session.add(town)
    db.session.commit()
    registration, _token = sign_up(
        make_meeting(), town, "buergermeister@landstuhl.de", interested=True
    )
    return registration


MEETING_FORM = {
    "title": "3. Netzwerktreffen",
    "day": "14.05.2031",
    "start_time": "10:00",
    "end_time": "16:30",
    "place": "Stadthalle Andernach",
    "agenda": "Begrüßung\nAustausch",
    "capacity": "1.200",
}


def test_reviewer_plans_a_meeting_in_berlin_time(make_web, world):
    web = make_web(world.users.reviewer)
    web.get("/netzwerktreffen/verwaltung/neu")
    response = web.post("/netzwerktreffen/verwaltung/neu", MEETING_FORM)
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.capacity == 1200
    assert meeting.starts_at.isoformat() == "2031-05-14T08:00:00+00:00"  # 10:00 CEST
    page = make_web().get(f"/netzwerktreffen/{meeting.id}").get_data(as_text=True)
    assert "14.05.2031, 10:00–16:30 Uhr" in page  # the day named once


def test_meeting_form_refuses_bad_input_per_field(make_web, world):
    web = make_web(world.users.admin)
    web.get("/netzwerktreffen/verwaltung/neu")
    bad = MEETING_FORM | {"day": "31.02.2031", "start_time": "25:00", "capacity": "0", "title": ""}
    response = web.post("/netzwerktreffen/verwaltung/neu", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Den 31.02.2031 gibt es nicht im Kalender." in page
    assert "Bitte geben Sie eine Uhrzeit wie 10:30 an." in page
    assert "Bitte geben Sie eine ganze Zahl von 1 bis 10.000 an." in page
    assert "Bitte geben Sie einen Titel an." in page
    assert "Stadthalle Andernach" in page  # nothing typed is lost
    backwards = web.post("/netzwerktreffen/verwaltung/neu", MEETING_FORM | {"end_time": "09:00"})
    assert backwards.status_code == 422
    assert "Das Ende muss nach dem Beginn liegen." in backwards.get_data(as_text=True)
    assert db.session.scalars(select(Meeting)).all() == []


def test_the_form_keeps_a_meeting_over_several_days(make_web, world):
    web = make_web(world.users.reviewer)
    web.get("/netzwerktreffen/verwaltung/neu")
    two_days = MEETING_FORM | {"end_day": "15.05.2031", "end_time": "13:00"}
    assert web.post("/netzwerktreffen/verwaltung/neu", two_days).status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.ends_at.isoformat() == "2031-05-15T11:00:00+00:00"  # 13:00 CEST
    url = f"/netzwerktreffen/verwaltung/{meeting.id}/bearbeiten"
    shown = form_fields(web, url)
    assert (shown["day"], shown["end_day"], shown["end_time"]) == (
        "14.05.2031",
        "15.05.2031",
        "13:00",
    )
    assert web.post(url, shown | {"capacity": "40"}).status_code == 302
    db.session.expire_all()
    assert (meeting.capacity, meeting.ends_at.isoformat()) == (40, "2031-05-15T11:00:00+00:00")
    earlier = web.post(url, shown | {"end_day": "13.05.2031"})
    assert earlier.status_code == 422
    assert "Das Ende muss nach dem Beginn liegen." in earlier.get_data(as_text=True)


def form_fields(web, url) -> dict:
    """Return the named input fields of the form at `url` with the values it shows."""
    page = web.get(url).get_data(as_text=True)
    return dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))


# 21:30 UTC is 23:30 in Berlin: make_meeting's six hours end at 05:30 on the next day.
LATE_EVENING = datetime(2031, 4, 30, 21, 30, tzinfo=UTC)


def test_more_seats_move_the_waiting_list_up(make_web, make_meeting, world):
    with frozen_at(LATE_EVENING):
        meeting = make_meeting(capacity=1)
        sign_up(meeting, world.speyer, "a@speyer.de")
        waiting, _ = sign_up(meeting, world.andernach, "b@andernach.de")
        web = make_web(world.users.reviewer)
        url = f"/netzwerktreffen/verwaltung/{meeting.id}/bearbeiten"
        data = form_fields(web, url) | {"capacity": "2", "agenda": "Neu"}
        assert web.post(url, data).status_code == 302
    db.session.expire_all()
    assert waiting.state == "confirmed"
    assert db.session.scalars(
        select(OutboxMessage.template).where(OutboxMessage.recipient == "b@andernach.de")
    ).all() == ["meeting_waitlisted", "meeting_moved_up"]


def test_registrations_page_lists_confirmed_and_waiting(make_web, make_meeting, world):
    meeting = make_meeting(capacity=1)
    sign_up(meeting, world.speyer, "a@speyer.de")
    sign_up(meeting, world.andernach, "b@andernach.de")
    page = make_web(world.users.reviewer).get(f"/netzwerktreffen/verwaltung/{meeting.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        text.index("a@speyer.de")
        < text.index("Warteliste (in der Reihenfolge")
        < text.index("b@andernach.de")
    )


def test_ministry_cancels_on_behalf_and_the_next_moves_up(make_web, make_meeting, world):
    meeting = make_meeting(capacity=1)
    first, _ = sign_up(meeting, world.speyer, "a@speyer.de")
    second, _ = sign_up(meeting, world.andernach, "b@andernach.de")
    web = make_web(world.users.admin)
    web.get(f"/netzwerktreffen/verwaltung/{meeting.id}")
    response = web.post(f"/netzwerktreffen/verwaltung/anmeldungen/{first.id}/abmelden")
    assert response.status_code == 302
    db.session.expire_all()
    assert (first.state, second.state) == ("cancelled", "confirmed")
    assert first.case.history[-1].actor_role == "admin"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("speyer", 403), ("mentor", 403), ("reviewer", 200), ("admin", 200)],
)
def test_leads_page_only_for_the_ministry(make_web, world, lead, role, expected):
    response = make_web(getattr(world.users, role)).get("/netzwerktreffen/verwaltung/interessenten")
    assert response.status_code == expected
    if expected == 200:
        assert "buergermeister@landstuhl.de" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login_from_the_leads(make_web, lead):
    response = make_web().get("/netzwerktreffen/verwaltung/interessenten")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_members_and_uninterested_are_not_leads(make_web, make_meeting, make_application, world):
    make_application("approved")  # Speyer becomes a member
    meeting = make_meeting()
    sign_up(meeting, world.speyer, "member@speyer.de", interested=True)
    sign_up(meeting, world.pirmasens, "quiet@pirmasens.de", interested=False)
    sign_up(meeting, world.andernach, "keen@andernach.de", interested=True)
    page = make_web(world.users.reviewer).get("/netzwerktreffen/verwaltung/interessenten")
    text = page.get_data(as_text=True)
    assert "keen@andernach.de" in text
    assert "member@speyer.de" not in text and "quiet@pirmasens.de" not in text


def test_one_click_creates_an_invited_account_that_waits_for_confirmation(make_web, world, lead):
    web = make_web(world.users.reviewer)
    web.get("/netzwerktreffen/verwaltung/interessenten")
    response = web.post(f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen")
    assert response.status_code == 302 and "/zugangsanfragen/" in response.headers["Location"]
    user = db.session.scalars(select(User).where(User.email == "buergermeister@landstuhl.de")).one()
    assert (user.role, user.municipality, user.active) == ("pending", None, True)
    assert not user.check_password("") and user.password_hash.startswith("!")
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.created_by_id == world.users.reviewer.id
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "invitation")
    ).one()
    assert mail.recipient == user.email and "/konto/einladung/" in mail.body
    page = web.get("/netzwerktreffen/verwaltung/interessenten").get_data(as_text=True)
    assert "eingeladen (buergermeister@landstuhl.de), wartet auf Bestätigung" in page


def test_second_account_for_the_same_address_is_refused(make_web, make_meeting, world, lead):
    other, _ = sign_up(make_meeting(), lead.municipality, "digital@speyer.de", interested=True)
    web = make_web(world.users.admin)
    web.get("/netzwerktreffen/verwaltung/interessenten")
    response = web.post(f"/netzwerktreffen/verwaltung/interessenten/{other.id}/einladen")
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Es gibt bereits ein Konto für digital@speyer.de." in page
    assert db.session.scalars(select(Invitation)).all() == []
    other_tab = make_web(world.users.admin)
    other_tab.get("/netzwerktreffen/verwaltung/interessenten")
    web.post(f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen")
    again = web.post(f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen")
    assert "nur einmal gespeichert" in web.get(again.headers["Location"]).get_data(as_text=True)
    stale = other_tab.post(f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen")
    page = other_tab.get(stale.headers["Location"]).get_data(as_text=True)
    assert "bereits ein Konto angelegt" in page
    assert len(db.session.scalars(select(Invitation)).all()) == 1


def test_others_cannot_invite(make_web, world, lead):
    web = make_web(world.users.speyer)
    web.get("/antraege/")
    assert (
        web.post(f"/netzwerktreffen/verwaltung/interessenten/{lead.id}/einladen").status_code == 403
    )
    assert db.session.scalars(select(Invitation)).all() == []
