"""The demo story's directory: the four pilot cities, with the projects they chose to share."""

import pytest

from antrag.network.demo import SHARED
from antrag.network.queries import members

# The demo data that `make run` loads into SQLite: the SQLite run covers it (tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


def test_demo_members_share_only_the_chosen_projects(app, runner, web):
    app.config["LOAD_DEMO_DATA"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    found = members()
    assert [m.municipality.name for m in found] == [
        "Andernach",
        "Speyer",
        "Wörth am Rhein",
        "Zweibrücken",
    ]
    assert {m.round.name for m in found} == {"Pilotrunde 2019"}
    assert {m.mentor_organisation for m in found} == {"KL.digital GmbH"}
    speyer = next(m for m in found if m.municipality.name == "Speyer")
    assert speyer.joined_on.isoformat() == "2019-04-04"
    shared = sorted(s.project.title for m in found for s in m.projects)
    assert shared == sorted(title for _ags, title, _summary, _contact in SHARED)
    page = web.get("/mitglieder/").get_data(as_text=True)
    assert "Open-Data-Portal" in page and "04.04.2019" in page
    # Unshared projects of member cities, and cities that are not members, stay out.
    for hidden in ("Digitale Gremienarbeit", "Freies WLAN in der Innenstadt", "Bad Kreuznach"):
        assert hidden not in page
