"""The iCalendar file of a meeting, parsed back with icalendar."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from meetings_support import make_meeting_fixture  # noqa: F401 - fixture

from antrag.extensions import db
from antrag.meetings.operations import update_meeting

# The subject (the iCalendar format) does not depend on the database: SQLite only.
pytestmark = pytest.mark.database_agnostic


def test_ics_holds_the_meeting_with_escaped_text(make_web, make_meeting, world):
    meeting = make_meeting()
    update_meeting(
        meeting,
        world.users.reviewer,
        title="Netzwerktreffen; Teil 2, mit Kommas",
        starts_at=datetime(2031, 5, 14, 8, 0, tzinfo=UTC),
        ends_at=datetime(2031, 5, 14, 14, 30, tzinfo=UTC),
        place="Kaiserslautern, Rathaus; Saal 1",
        agenda="Begrüßung\nBerichte\\Ausblick",
        capacity=40,
    )
    db.session.commit()
    response = make_web().get(f"/netzwerktreffen/{meeting.id}/kalender.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert b"SUMMARY:Netzwerktreffen\\; Teil 2\\, mit Kommas" in raw  # escaped on the wire
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(event["SUMMARY"]) == "Netzwerktreffen; Teil 2, mit Kommas"
    assert str(event["LOCATION"]) == "Kaiserslautern, Rathaus; Saal 1"
    assert str(event["DESCRIPTION"]).startswith("Begrüßung\nBerichte\\Ausblick")
    assert f"/netzwerktreffen/{meeting.id}" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == datetime(2031, 5, 14, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2031, 5, 14, 14, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["UID"]) == f"netzwerktreffen-{meeting.id}@antrag.test"


def test_uid_is_stable_across_downloads(make_web, make_meeting):
    meeting = make_meeting()
    web = make_web()
    first = Calendar.from_ical(web.get(f"/netzwerktreffen/{meeting.id}/kalender.ics").get_data())
    second = Calendar.from_ical(web.get(f"/netzwerktreffen/{meeting.id}/kalender.ics").get_data())
    uid = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uid == [str(e["UID"]) for e in second.walk("VEVENT")]
