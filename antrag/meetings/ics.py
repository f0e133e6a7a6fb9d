"""The iCalendar (.ics) file of a meeting, written with the `icalendar` package."""

from flask import current_app
from icalendar import Calendar, Event

from ..db_types import utcnow

PRODID = "-//Interkommunales Netzwerk Digitale Stadt RLP//Antrag//DE"


def meeting_uid(meeting) -> str:
    """Return the stable UID of the meeting's event (the same in every download)."""
    host = current_app.config.get("SERVER_NAME") or "antrag.rlp.de"
    return f"netzwerktreffen-{meeting.id}@{host.split(':')[0]}"


def meeting_calendar(meeting, url: str) -> bytes:
    """Return the meeting as a calendar with one event; times in UTC, text escaped by icalendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    description = meeting.agenda.strip() if meeting.agenda else ""
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("url", url)
    event.add("last-modified", meeting.updated_at)
    calendar.add_component(event)
    return calendar.to_ical()
