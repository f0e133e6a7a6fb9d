"""Resubmitted applications are marked in the review queue and the inbox, linking to the diff."""

import re

import pytest
from conftest import extra_round
from engine_support import send_back_and_resubmit
from sql_support import counted_statements

from antrag.extensions import db

MARK = "erneut eingereicht (Fassung 2)"


@pytest.fixture
def resubmitted(world, make_application):
    """Speyer's application sent back for changes and resubmitted with a new amount."""
    application = make_application("submitted")
    send_back_and_resubmit(application, world)
    return application


def _row_of(page: str, name: str) -> str:
    """Return the HTML of the table row whose header names `name`."""
    for row in re.findall(r"<tr.*?</tr>", page, flags=re.S):
        if name in row and '<th scope="row">' in row:
            return row
    raise AssertionError(f"no row for {name}")


def test_the_queue_marks_a_resubmission_and_links_to_the_diff(world, make_application, make_web,
                                                              resubmitted):  # fmt: skip
    make_application("submitted", municipality=world.andernach)
    web = make_web(world.users.reviewer)
    page = web.get("/pruefung/?state=alle").get_data(as_text=True)
    speyer = _row_of(page, "Speyer")
    assert MARK in speyer
    assert f'href="/antraege/{resubmitted.id}#revision-changes-title"' in speyer
    assert "erneut eingereicht" not in _row_of(page, "Andernach")
    detail = web.get(f"/antraege/{resubmitted.id}").get_data(as_text=True)
    assert 'id="revision-changes-title"' in detail  # the link's target: what changed


def test_the_inbox_row_is_marked_too(world, make_application, make_web, resubmitted):
    make_application("submitted", municipality=world.andernach)
    page = make_web(world.users.reviewer2).get("/eingang/").get_data(as_text=True)
    assert MARK in _row_of(page, "Speyer")
    assert "erneut eingereicht" not in _row_of(page, "Andernach")


def test_the_city_sees_no_mark_in_its_inbox(world, make_web, resubmitted):
    page = make_web(world.users.speyer).get("/eingang/").get_data(as_text=True)
    assert "erneut eingereicht" not in page


@pytest.mark.parametrize("url", ["/pruefung/?state=alle", "/eingang/"])
def test_statements_do_not_depend_on_the_page_size(app, world, make_application, make_web,
                                                   resubmitted, url):  # fmt: skip
    make_application("submitted", municipality=world.andernach)
    make_application("submitted", round_=extra_round(world, "Runde 2"))
    web = make_web(world.users.reviewer2)

    def statements(page_size: int) -> int:
        app.config["QUEUE_PAGE_SIZE"] = page_size
        db.session.expunge_all()  # the test and the request share the session
        with counted_statements() as sent:
            page = web.get(url).get_data(as_text=True)
        assert page.count('<th scope="row">') == min(page_size, 3)
        assert MARK in page or page_size == 1
        return len(sent)

    assert statements(1) == statements(20)
