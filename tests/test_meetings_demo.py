"""The demo's meetings: the first one in Kaiserslautern on 14 May 2019 and an upcoming one."""

import pytest
from sqlalchemy import select

from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.meetings.leads import leads
from antrag.meetings.models import Meeting
from antrag.meetings.operations import confirmed, waiting_list

# The demo data that `make run` loads into SQLite: the SQLite run covers it (tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


@pytest.fixture
def demo(app, runner):
    """Load the demo story (demo data switched on, as in development)."""
    app.config["LOAD_DEMO_DATA"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


def test_first_meeting_was_in_kaiserslautern_on_14_may_2019(demo):
    first = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
    assert first.starts_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M") == "14.05.2019 10:00"
    assert "Kaiserslautern" in first.place and not first.is_upcoming()
    assert len(confirmed(first)) == 5


def test_upcoming_meeting_has_registrations_a_waiting_list_and_leads(demo):
    upcoming = db.session.scalars(select(Meeting).order_by(Meeting.starts_at.desc())).first()
    assert upcoming.is_upcoming()
    assert [r.municipality.name for r in waiting_list(upcoming)] == ["Worms"]
    assert {r.municipality.name for r in leads()} == {"Neuwied", "Worms"}
