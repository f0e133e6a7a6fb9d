"""The preview of a drafted notice: the letter marked "Entwurf", for who may sign it."""

import pytest
from funding_support import act, notice_of
from letters_support import text_of
from pyhanko.pdf_utils.reader import PdfFileReader

from antrag.extensions import db

ROLES = ("anonymous", "own_city", "other_city", "signing_reviewer", "reviewer", "mentor", "admin")
#                    anon own  other sign rev  ment adm
# The city concerned does not see a draft at all (404), like any other city.
DRAFTED_TABLE = (302, 404, 404, 200, 403, 404, 404)


@pytest.fixture
def drafted(world, make_application):
    """Speyer's approved application with its notice drafted; reviewer2 may sign."""
    notice = notice_of(make_application("approved"))
    world.users.reviewer2.can_sign = True
    world.users.reviewer.can_sign = False
    db.session.commit()
    return notice


def _user(world, role):
    u = world.users
    return {
        "anonymous": None,
        "own_city": u.speyer,
        "other_city": u.andernach,
        "signing_reviewer": u.reviewer2,
        "reviewer": u.reviewer,
        "mentor": u.mentor,
        "admin": u.admin,
    }[role]


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, DRAFTED_TABLE, strict=True)))
def test_who_may_preview_a_drafted_notice(make_web, world, drafted, role, expected):
    web = make_web(_user(world, role))
    response = web.get(f"/bescheide/{drafted.id}/vorschau.pdf")
    assert response.status_code == expected


def test_preview_is_the_letter_marked_draft_unsealed_and_not_stored(make_web, world, drafted):
    import io

    web = make_web(world.users.reviewer2)
    response = web.get(f"/bescheide/{drafted.id}/vorschau.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = text_of(response.data)
    assert "ENTWURF – nicht erlassen, nicht gesiegelt" in text
    assert drafted.file_reference in text
    assert "Rechtsbehelfsbelehrung" in text
    assert world.users.reviewer2.name in text  # the one who would sign
    assert PdfFileReader(io.BytesIO(response.data)).embedded_signatures == []
    db.session.expire_all()
    assert notice_of(drafted.application).pdf_stored_name is None
    assert notice_of(drafted.application).case.state == "drafted"


def test_notice_page_links_the_preview_next_to_the_issue_action(make_web, world, drafted):
    link = f"/bescheide/{drafted.id}/vorschau.pdf"
    assert link in make_web(world.users.reviewer2).get(f"/bescheide/{drafted.id}").text
    assert link not in make_web(world.users.reviewer).get(f"/bescheide/{drafted.id}").text
    assert link not in make_web(world.users.speyer).get(f"/bescheide/{drafted.id}").text


def test_no_preview_once_issued(make_web, world, drafted):
    act(drafted, "issue", world.users.reviewer2)
    web = make_web(world.users.reviewer2)
    assert web.get(f"/bescheide/{drafted.id}/vorschau.pdf").status_code == 404
    assert f"/bescheide/{drafted.id}/vorschau.pdf" not in web.get(f"/bescheide/{drafted.id}").text
