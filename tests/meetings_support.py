"""Helpers of the meeting tests (no tests here): a meeting factory and a registration helper."""

from datetime import timedelta

import pytest

from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.meetings.operations import create_meeting, register


@pytest.fixture(name="make_meeting")
def make_meeting_fixture(world):
    """Return a factory of meetings starting `days` days from now (negative: in the past)."""

    def factory(capacity=3, days=14, title="2. Netzwerktreffen Digitale Stadt"):
        starts = utcnow() + timedelta(days=days)
        meeting = create_meeting(
            world.users.reviewer,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            place="Rathaus Speyer, Maximilianstraße 12, 67346 Speyer",
            agenda="Begrüßung\nBerichte aus den Kommunen",
            capacity=capacity,
        )
        db.session.commit()
        return meeting

    return factory


def sign_up(meeting, municipality, email, persons=1, interested=False):
    """Register through the operation and commit; return (registration, cancel token)."""
    registration, token = register(
        meeting,
        name=email.split("@")[0].title(),
        municipality_id=municipality.id,
        email=email,
        persons=persons,
        interested_in_joining=interested,
    )
    db.session.commit()
    return registration, token


def form(municipality, email="anna@example.org", persons="1", **extra):
    """Return the posted fields of the public registration form."""
    return {
        "name": "Anna Beispiel",
        "municipality": str(municipality.id),
        "email": email,
        "persons": persons,
        **extra,
    }
