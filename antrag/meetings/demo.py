"""Demo meetings: the first network meeting (14 May 2019, Kaiserslautern) and an upcoming one.

`events(replay)` hands the demo loader (antrag/demo.py) its moments, so that meetings and
registrations are made through the operations and the engine with the clock at that moment.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..engine.calendar import BERLIN
from ..extensions import db
from ..programme.models import Municipality
from .models import Meeting
from .operations import create_meeting, register

FIRST = {
    "title": "1. Netzwerktreffen Digitale Stadt",
    "place": "Rathaus Kaiserslautern, Willy-Brandt-Platz 1, 67657 Kaiserslautern",
    "agenda": "Begrüßung durch das Ministerium des Innern und für Sport\n"
    "Vorstellung der Mitgliedsstädte und ihrer Projekte\n"
    "KL.digital: Erfahrungen aus Kaiserslautern\n"
    "Verabredung der Zusammenarbeit im Netzwerk",
    "capacity": 40,
}
NEXT = {
    "title": "Netzwerktreffen Digitale Stadt: Digitale Bürgerdienste",
    "place": "Stadthalle Speyer, Obere Langgasse 33, 67346 Speyer",
    "agenda": "Begrüßung\nBerichte aus den Mitgliedsstädten\n"
    "Werkstatt: Online-Antragsstrecken\nOffene Fragen neuer Kommunen zum Beitritt",
    "capacity": 12,
}
# (moment, AGS, name, e-mail, persons, accessibility needs, interested in joining)
FIRST_GUESTS = [
    ("2019-04-10 09:00", "07318000", "Martina Keller", "digital@speyer.example", 2, None, False),
    ("2019-04-11 14:30", "07137003", "Stefan Wagner", "digital@andernach.example", 2, None, False),
    (
        "2019-04-12 10:15",
        "07320000",
        "Laura Becker",
        "digital@zweibruecken.example",
        1,
        "Stufenloser Zugang (Rollstuhl)",
        False,
    ),
    ("2019-04-15 11:00", "07334501", "Daniel Schäfer", "digital@woerth.example", 2, None, False),
    (
        "2019-04-16 08:45",
        "07312000",
        "Eva Klein",
        "eva.klein@kaiserslautern.example",
        3,
        None,
        False,
    ),
]
# (days before now, AGS, name, e-mail, persons, accessibility needs, interested in joining)
NEXT_GUESTS = [
    (9, "07318000", "Martina Keller", "digital@speyer.example", 3, None, False),
    (8, "07133006", "Anna Schmitt", "digital@bad-kreuznach.example", 2, None, False),
    (
        6,
        "07138045",
        "Miriam Hahn",
        "digitalisierung@neuwied.example",
        2,
        "Unterlagen in großer Schrift",
        True,
    ),
    (5, "07312000", "Eva Klein", "eva.klein@kaiserslautern.example", 4, None, False),
    (3, "07319000", "Felix Braun", "it@worms.example", 2, None, True),  # waits: 1 seat left
]


def _berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def events(replay) -> list[tuple]:
    """Return (moment, function, arguments) for the two meetings and their registrations."""
    first_start = _berlin("2019-05-14 10:00")
    found = [(_berlin("2019-04-01 09:00"), _plan, (replay, FIRST, first_start, 6))]
    found += [(_berlin(g[0]), _register, (FIRST["title"], *g[1:])) for g in FIRST_GUESTS]
    day = (replay.now + timedelta(days=42)).date()
    next_start = datetime.combine(day, time(10), tzinfo=BERLIN)
    created = replay.now - timedelta(days=10)
    found.append((created, _plan, (replay, NEXT, next_start, 6)))
    for days_ago, *guest in NEXT_GUESTS:
        found.append((replay.now - timedelta(days=days_ago), _register, (NEXT["title"], *guest)))
    return found


def _plan(replay, spec: dict, starts: datetime, hours: int) -> None:
    """Plan a meeting as the first ministry clerk."""
    create_meeting(
        replay.users["r1"], starts_at=starts, ends_at=starts + timedelta(hours=hours), **spec
    )


def _register(title, ags, name, email, persons, accessibility, interested) -> None:
    """Register a guest for the meeting of that title."""
    meeting = db.session.scalars(select(Meeting).where(Meeting.title == title)).one()
    municipality = db.session.scalars(select(Municipality).where(Municipality.ags == ags)).one()
    register(
        meeting,
        name=name,
        municipality_id=municipality.id,
        email=email,
        persons=persons,
        accessibility=accessibility,
        interested_in_joining=interested,
    )
