"""The accessibility test's pages of issue 15 have the content they are checked with.

axe-core finds nothing wrong on an empty page: these checks, without a browser, pin that
the scene gives each page what it is meant to show (a11y_scene.py).
"""

import pytest
from second_factor_support import pass_second_factor

from .a11y_scene import build_issue_15_scene
from .axe_support import build_network_scene, build_scene

pytestmark = [pytest.mark.database_agnostic]


@pytest.fixture
def ids(app, world, make_application) -> dict:
    ids = build_network_scene(world, build_scene(app, world, make_application))
    return build_issue_15_scene(world, make_application, ids)


def _page(make_web, user, path: str) -> str:
    web = make_web(user)
    pass_second_factor(web.client, user)
    response = web.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_reviewer_pages_show_what_they_are_checked_with(ids, world, make_web):
    reviewer = world.users.reviewer
    revisions = _page(make_web, reviewer, f"/antraege/{ids['resubmitted']}")
    assert "Änderungen in Fassung 2 gegenüber Fassung 1" in revisions
    messages = _page(make_web, reviewer, f"/vorgaenge/{ids['resubmitted_case']}/nachrichten")
    assert "Interne Notiz" in messages and "Anlage: Nachreichung.pdf" in messages
    assert "Treffer für" in _page(make_web, reviewer, "/suche?q=Speyer")
    assert "Nichts gefunden" in _page(make_web, reviewer, "/suche?q=Zeppelin")
    review = _page(make_web, reviewer, f"/bescheide/nachweise/{ids['proof_in_review']}/pruefung")
    assert "Beispiel GmbH" in review  # the receipt
    assert "Anhörung" in _page(make_web, reviewer, f"/rueckforderungen/{ids['reclaim']}")


def test_the_city_and_admin_pages_show_what_they_are_checked_with(ids, world, make_web):
    city = world.users.speyer
    messages = _page(make_web, city, f"/vorgaenge/{ids['resubmitted_case']}/nachrichten")
    assert "Anlage: Nachreichung.pdf" in messages and "Interne Notiz" not in messages
    assert "#mittel-abrufen" in _page(make_web, city, "/eingang/")
    admin = world.users.admin
    reset = _page(make_web, admin, f"/verwaltung/konten/{ids['reset_user']}/zweiter-faktor")
    assert "Zurücksetzen bestätigen" in reset
