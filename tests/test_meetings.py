"""Network meetings in public: registration, capacity, waiting list, cancel link, mails."""

import re
import threading

from meetings_support import form, make_meeting_fixture, sign_up  # noqa: F401 - fixture
from sqlalchemy import select

from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.meetings.models import Meeting, MeetingRegistration
from antrag.meetings.operations import REGISTRANT, cancel, hash_token

CANCEL_LINK = re.compile(r"https?://\S+/netzwerktreffen/abmelden/(\S+)")


def states(meeting):
    """Return the registrations' e-mail addresses by state, in the order they came."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(MeetingRegistration)
        .where(MeetingRegistration.meeting_id == meeting.id)
        .order_by(MeetingRegistration.id)
    )
    found = {}
    for r in rows:
        found.setdefault(r.state, []).append(r.email)
    return found


def mails_to(address):
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


def test_public_pages_need_no_login(make_web, make_meeting):
    upcoming = make_meeting(title="Zweites Treffen")
    past = make_meeting(days=-30, title="Erstes Treffen")
    web = make_web()
    page = web.get("/netzwerktreffen/").get_data(as_text=True)
    assert (
        page.index("Zweites Treffen")
        < page.index("Vergangene Treffen")
        < page.index("Erstes Treffen")
    )
    detail = web.get(f"/netzwerktreffen/{upcoming.id}")
    assert detail.status_code == 200
    assert "Verbindlich anmelden" in detail.get_data(as_text=True)
    old = web.get(f"/netzwerktreffen/{past.id}").get_data(as_text=True)
    assert "bereits stattgefunden" in old and "Verbindlich anmelden" not in old


def test_registration_through_the_form_is_confirmed_and_mailed(make_web, make_meeting, world):
    meeting = make_meeting(capacity=5)
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    response = web.post(f"/netzwerktreffen/{meeting.id}", form(world.pirmasens, persons="2"))
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "ist bestätigt" in page and "für 2 Personen ist bestätigt" in page
    (mail,) = mails_to("anna@example.org")
    assert mail.template == "meeting_confirmed"
    assert "2. Netzwerktreffen Digitale Stadt" in mail.subject
    token = CANCEL_LINK.search(mail.body).group(1)
    registration = db.session.scalars(select(MeetingRegistration)).one()
    assert registration.cancel_token_hash == hash_token(token)
    assert token not in registration.cancel_token_hash
    assert registration.state == "confirmed" and registration.persons == 2
    assert meeting.seats_left == 3


def test_full_meeting_puts_registrations_on_the_waiting_list(make_meeting, world):
    meeting = make_meeting(capacity=3)
    sign_up(meeting, world.speyer, "a@speyer.de", persons=2)
    sign_up(meeting, world.andernach, "b@andernach.de", persons=2)  # 2 > 1 seat left
    sign_up(meeting, world.pirmasens, "c@pirmasens.de", persons=1)  # fits the last seat
    sign_up(meeting, world.pirmasens, "d@pirmasens.de", persons=1)
    assert states(meeting) == {
        "confirmed": ["a@speyer.de", "c@pirmasens.de"],
        "waitlisted": ["b@andernach.de", "d@pirmasens.de"],
    }
    assert mails_to("b@andernach.de")[0].template == "meeting_waitlisted"
    assert CANCEL_LINK.search(mails_to("b@andernach.de")[0].body)


def test_waiting_page_shows_the_place_in_line(make_web, make_meeting, world):
    meeting = make_meeting(capacity=1)
    sign_up(meeting, world.speyer, "a@speyer.de")
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    response = web.post(f"/netzwerktreffen/{meeting.id}", form(world.andernach))
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Platz 1 der Warteliste" in page


def test_cancel_moves_waiting_registrations_up_in_order_and_mails_them(make_meeting, world):
    meeting = make_meeting(capacity=3)
    first, _ = sign_up(meeting, world.speyer, "a@speyer.de", persons=3)
    sign_up(meeting, world.andernach, "big@andernach.de", persons=3)
    sign_up(meeting, world.pirmasens, "one@pirmasens.de", persons=1)
    sign_up(meeting, world.pirmasens, "two@pirmasens.de", persons=2)
    cancel(first, REGISTRANT)
    db.session.commit()
    # The first in line fits exactly; those behind it stay waiting.
    assert states(meeting) == {
        "cancelled": ["a@speyer.de"],
        "confirmed": ["big@andernach.de"],
        "waitlisted": ["one@pirmasens.de", "two@pirmasens.de"],
    }
    assert [m.template for m in mails_to("big@andernach.de")] == [
        "meeting_waitlisted",
        "meeting_moved_up",
    ]
    assert [m.template for m in mails_to("a@speyer.de")][-1] == "meeting_cancelled"


def test_cancel_moves_up_those_that_fit_behind_a_larger_party(make_meeting, world):
    meeting = make_meeting(capacity=3)
    first, _ = sign_up(meeting, world.speyer, "a@speyer.de", persons=2)
    sign_up(meeting, world.speyer, "b@speyer.de", persons=1)
    sign_up(meeting, world.andernach, "big@andernach.de", persons=3)
    sign_up(meeting, world.pirmasens, "two@pirmasens.de", persons=2)
    cancel(first, REGISTRANT)
    db.session.commit()
    assert states(meeting)["confirmed"] == ["b@speyer.de", "two@pirmasens.de"]
    assert states(meeting)["waitlisted"] == ["big@andernach.de"]
    assert meeting.seats_left == 0


def test_status_changes_go_through_the_engine(make_meeting, world):
    meeting = make_meeting(capacity=1)
    first, _ = sign_up(meeting, world.speyer, "a@speyer.de")
    second, _ = sign_up(meeting, world.andernach, "b@andernach.de")
    cancel(first, REGISTRANT)
    db.session.commit()
    entries = db.session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.case_id.in_([first.case_id, second.case_id]))
        .order_by(HistoryEntry.seq)
    ).all()
    assert [(e.case_id, e.trigger, e.to_state) for e in entries] == [
        (first.case_id, "start", "requested"),
        (first.case_id, "confirm", "confirmed"),
        (second.case_id, "start", "requested"),
        (second.case_id, "waitlist", "waitlisted"),
        # The cancellation's effect moves the waiting one up; an entry is sealed (and
        # numbered) after its effects, so the move comes first.
        (second.case_id, "move_up", "confirmed"),
        (first.case_id, "cancel", "cancelled"),
    ]
    assert {e.actor_role for e in entries} == {"system"}


def test_cancel_link_asks_first_then_cancels_with_csrf(make_web, make_meeting, world):
    meeting = make_meeting(capacity=1)
    _registration, token = sign_up(meeting, world.speyer, "a@speyer.de")
    sign_up(meeting, world.andernach, "b@andernach.de")
    web = make_web()
    url = f"/netzwerktreffen/abmelden/{token}"
    page = web.get(url)
    assert page.status_code == 200
    assert "Ja, Anmeldung zurückziehen" in page.get_data(as_text=True)
    assert states(meeting)["confirmed"] == ["a@speyer.de"]  # a GET changes nothing
    assert web.post(url, csrf=False).status_code == 400
    done = web.post(url)
    assert done.status_code == 200 and "zurückgezogen" in done.get_data(as_text=True)
    assert states(meeting) == {"cancelled": ["a@speyer.de"], "confirmed": ["b@andernach.de"]}


def test_used_and_wrong_cancel_links_get_a_clear_404(make_web, make_meeting, world):
    meeting = make_meeting()
    registration, token = sign_up(meeting, world.speyer, "a@speyer.de")
    cancel(registration, REGISTRANT)
    db.session.commit()
    web = make_web()
    used = web.get(f"/netzwerktreffen/abmelden/{token}")
    assert used.status_code == 404 and "bereits zurückgezogen" in used.get_data(as_text=True)
    assert web.post(f"/netzwerktreffen/abmelden/{token}").status_code == 404
    wrong = web.get(f"/netzwerktreffen/abmelden/{token[:-2]}xy")
    assert wrong.status_code == 404 and "kennen wir nicht" in wrong.get_data(as_text=True)
    assert web.get("/netzwerktreffen/abmelden/" + "x" * 500).status_code == 404


def test_cancel_link_after_the_start_refuses_kindly(make_web, make_meeting, world):
    meeting = make_meeting()
    _registration, token = sign_up(meeting, world.speyer, "a@speyer.de")
    db.session.get(Meeting, meeting.id).starts_at = meeting.starts_at.replace(year=2020)
    db.session.get(Meeting, meeting.id).ends_at = meeting.ends_at.replace(year=2020)
    db.session.commit()
    web = make_web()
    page = web.get(f"/netzwerktreffen/abmelden/{token}")
    assert page.status_code == 200 and "bereits begonnen" in page.get_data(as_text=True)
    assert web.post(f"/netzwerktreffen/abmelden/{token}").status_code == 200
    assert states(meeting) == {"confirmed": ["a@speyer.de"]}


def test_bad_input_gets_field_messages_and_keeps_what_was_typed(make_web, make_meeting, world):
    meeting = make_meeting(capacity=5)
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    bad = {
        "name": "",
        "municipality": "999999",
        "email": "keine-adresse",
        "persons": "drei",
        "accessibility": "Rollstuhlplatz",
    }
    response = web.post(f"/netzwerktreffen/{meeting.id}", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen an." in page
    assert "Bitte wählen Sie Ihre Kommune aus der Liste." in page
    assert "Bitte geben Sie eine Zahl von 1 bis 20 an." in page
    assert "Rollstuhlplatz" in page and "keine-adresse" in page
    response = web.post(f"/netzwerktreffen/{meeting.id}", form(world.speyer, email="keine-adresse"))
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.get_data(as_text=True)
    control = web.post(f"/netzwerktreffen/{meeting.id}", form(world.speyer, name="Anna\x00"))
    assert control.status_code == 422 and "Steuerzeichen" in control.get_data(as_text=True)
    assert db.session.scalars(select(MeetingRegistration)).all() == []


def test_every_problem_of_a_registration_is_reported_in_one_round_trip(
    make_web, make_meeting, world
):
    """The form's own checks and the meeting's (address, capacity, duplicate) answer together."""
    meeting = make_meeting(capacity=3)
    sign_up(meeting, world.speyer, "anna@example.org")
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    response = web.post(
        f"/netzwerktreffen/{meeting.id}", form(world.speyer, name="", email="keine-adresse")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen an." in page
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in page
    response = web.post(
        f"/netzwerktreffen/{meeting.id}",
        form(world.speyer, name="", email="anna@example.org", persons="4"),
    )
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie Ihren Namen an." in page
    assert "besteht bereits eine Anmeldung" in page and "höchstens 3 Personen" in page


def test_more_persons_than_the_meeting_holds_are_refused(make_web, make_meeting, world):
    meeting = make_meeting(capacity=3)
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    response = web.post(f"/netzwerktreffen/{meeting.id}", form(world.speyer, persons="4"))
    assert response.status_code == 422
    assert "höchstens 3 Personen" in response.get_data(as_text=True)


def test_the_same_address_registers_once_per_meeting(make_web, make_meeting, world):
    meeting = make_meeting()
    sign_up(meeting, world.speyer, "anna@example.org")
    web = make_web()
    web.get(f"/netzwerktreffen/{meeting.id}")
    response = web.post(
        f"/netzwerktreffen/{meeting.id}", form(world.speyer, email="Anna@Example.org")
    )
    assert response.status_code == 422
    assert "besteht bereits eine Anmeldung" in response.get_data(as_text=True)


def test_past_meetings_take_no_registration(make_web, make_meeting, world):
    meeting = make_meeting(days=-3)
    web = make_web()
    web.get("/netzwerktreffen/")
    response = web.post(f"/netzwerktreffen/{meeting.id}", form(world.speyer))
    assert response.status_code == 422
    assert db.session.scalars(select(MeetingRegistration)).all() == []


def test_unknown_meeting_is_404(make_web):
    web = make_web()
    assert web.get("/netzwerktreffen/999999").status_code == 404
    assert web.get("/netzwerktreffen/999999/kalender.ics").status_code == 404


def test_concurrent_registrations_never_overbook(app, make_meeting, world):
    """Eight people register at once for three seats: exactly three are confirmed."""
    meeting = make_meeting(capacity=3)
    url, city = f"/netzwerktreffen/{meeting.id}", world.pirmasens
    data = [form(city, email=f"p{n}@pirmasens.de") for n in range(8)]
    barrier = threading.Barrier(8)
    statuses, errors = [], []

    def register_one(number):
        try:
            client = app.test_client()
            page = client.get(url).get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            once = re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)
            barrier.wait()
            posted = data[number] | {"csrf_token": token, "form_token": once}
            statuses.append(client.post(url, data=posted).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register_one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert statuses == [302] * 8
    found = states(meeting)
    assert len(found["confirmed"]) == 3 and len(found["waitlisted"]) == 5
    assert db.session.get(Meeting, meeting.id).seats_left == 0


def test_register_and_cancel_lock_the_meeting_row_first(monkeypatch, make_meeting, world):
    """Seats are counted only after the meeting's row is locked (FOR UPDATE on PostgreSQL)."""
    from sqlalchemy import event

    from antrag.meetings import operations

    meeting = make_meeting(capacity=2)
    locked, statements = [], []
    real_lock = operations.lock_meeting

    def spy(meeting_id):
        locked.append(meeting_id)
        return real_lock(meeting_id)

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    monkeypatch.setattr(operations, "lock_meeting", spy)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        registration, _ = sign_up(meeting, world.speyer, "a@speyer.de")
        cancel(registration, REGISTRANT)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert locked == [meeting.id, meeting.id]
    if db.engine.dialect.name == "postgresql":
        assert any("FROM meeting" in s and "FOR UPDATE" in s for s in statements)
