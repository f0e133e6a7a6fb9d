"""Messages on a case between the city and the ministry, and the ministry's internal notes."""

import io
import re

import pytest
from sqlalchemy import select

from antrag.applications.storage import minimal_pdf
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.messages.models import CaseMessage


def _url(application) -> str:
    return f"/vorgaenge/{application.case_id}/nachrichten"


def _write(web, application, body, **extra):
    """Open the conversation (as a browser does: the form's tokens) and send a message."""
    web.get(_url(application))
    return web.post(_url(application), {"body": body, **extra})


def _mails(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).filter_by(template=template)))


@pytest.fixture
def submitted(make_application):
    return make_application("in_review")


def test_the_city_writes_and_the_clerk_who_holds_the_case_is_mailed(make_web, world, submitted):
    city = make_web(world.users.speyer)
    pdf = (io.BytesIO(minimal_pdf("Nachreichung")), "Nachreichung.pdf")
    response = _write(city, submitted, "Wir reichen den Zeitplan nach.", attachment=pdf)
    assert response.status_code == 302

    [message] = db.session.scalars(select(CaseMessage)).all()
    assert (message.author_role, message.internal) == ("applicant", False)
    assert message.attachment_name == "Nachreichung.pdf" and message.attachment_sha256
    [mail] = _mails("message_to_ministry")
    assert mail.recipient == world.users.reviewer.email  # the assignee (took it into review)
    assert "Wir reichen den Zeitplan nach." in mail.body and "Nachreichung.pdf" in mail.body

    page = make_web(world.users.reviewer).get(_url(submitted)).get_data(as_text=True)
    assert "Wir reichen den Zeitplan nach." in page
    link = re.search(r'href="(/vorgaenge/\d+/nachrichten/\d+/anlage)"', page).group(1)
    download = make_web(world.users.reviewer).get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    case_page = city.get(f"/antraege/{submitted.id}").get_data(as_text=True)
    assert "1 Nachricht" in case_page and _url(submitted) in case_page


def test_the_ministry_answers_the_city_and_keeps_internal_notes_to_itself(
    make_web, world, submitted
):
    anna = make_web(world.users.reviewer)
    assert _write(anna, submitted, "Bitte senden Sie den Zeitplan.").status_code == 302
    note = (io.BytesIO(minimal_pdf("Vermerk")), "Vermerk.pdf")
    _write(anna, submitted, "Intern: Zeitplan wirkt knapp.", internal="y", attachment=note)

    [to_city] = _mails("message_to_city")
    assert to_city.recipient == world.users.speyer.email
    assert "Bitte senden Sie den Zeitplan." in to_city.body
    assert not any("Intern:" in m.body for m in db.session.scalars(select(OutboxMessage)))

    city = make_web(world.users.speyer)
    page = city.get(_url(submitted)).get_data(as_text=True)
    assert "Bitte senden Sie den Zeitplan." in page and "Intern:" not in page
    assert "Interne Notiz" not in page  # neither the note nor the option
    internal = db.session.scalars(select(CaseMessage).filter_by(internal=True)).one()
    assert city.get(f"{_url(submitted)}/{internal.id}/anlage").status_code == 404
    ministry = make_web(world.users.reviewer2).get(_url(submitted)).get_data(as_text=True)
    assert "Intern: Zeitplan wirkt knapp." in ministry and "Interne Notiz" in ministry


def test_the_city_cannot_make_its_message_internal(make_web, world, submitted):
    _write(make_web(world.users.speyer), submitted, "Eine Frage.", internal="y")
    message = db.session.scalars(select(CaseMessage)).one()
    assert message.internal is False and _mails("message_to_ministry")


@pytest.mark.parametrize("who", ["andernach", "mentor", "admin"])
def test_others_do_not_see_the_conversation(make_web, world, submitted, who):
    web = make_web(getattr(world.users, who))
    assert web.get(_url(submitted)).status_code in (403, 404)
    response = web.post(_url(submitted), {"body": "Eingeschleust"})
    assert response.status_code in (403, 404)
    assert db.session.scalars(select(CaseMessage)).all() == []


@pytest.mark.parametrize(
    ("body", "attachment", "field", "message"),
    [
        ("", None, "body", "Bitte schreiben Sie eine Nachricht."),
        ("Text\x00mit Steuerzeichen", None, "body", "Steuerzeichen"),
        ("x" * 5001, None, "body", "Höchstens 5000 Zeichen."),
        ("Mit Anlage", (io.BytesIO(b"MZ kein PDF"), "x.pdf"), "attachment", "kein PDF"),
    ],
)
def test_bad_input_gets_a_field_message_and_nothing_is_saved(
    make_web, world, submitted, body, attachment, field, message
):
    data = {"attachment": attachment} if attachment else {}
    response = _write(make_web(world.users.speyer), submitted, body, **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    if body and len(body) < 100:
        assert body.replace("\x00", "") in page or "Steuerzeichen" in page  # typed text kept
    assert db.session.scalars(select(CaseMessage)).all() == []
    assert _mails("message_to_ministry") == []


def test_a_message_sent_twice_is_stored_once(make_web, world, submitted):
    city = make_web(world.users.speyer)
    city.get(_url(submitted))
    first = city.post(_url(submitted), {"body": "Einmal."})
    again = city.post(_url(submitted), {"body": "Einmal."})
    assert first.status_code == 302 and again.status_code in (302, 303)
    assert len(db.session.scalars(select(CaseMessage)).all()) == 1


def test_notice_pages_have_their_conversation(make_web, world, make_application):
    from funding_support import issued_notice

    notice = issued_notice(make_application, world)
    city = make_web(world.users.speyer)
    page = city.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    url = f"/vorgaenge/{notice.case_id}/nachrichten"
    assert url in page
    assert city.get(url).status_code == 200
    city.post(url, {"body": "Frage zum Bescheid."})
    assert _mails("message_to_ministry")
