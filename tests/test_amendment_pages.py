"""The amendment's pages: drafting on the notice, the case page, preview, PDF and the lists."""

import io
from datetime import UTC, date, datetime

import pytest
from funding_support import act, final_notice
from pypdf import PdfReader
from sqlalchemy import select

from antrag.amendments.models import AmendmentNotice
from antrag.clock import frozen_at
from antrag.extensions import db


@pytest.fixture(autouse=True)
def morning():
    with frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)) as moment:
        yield moment


@pytest.fixture
def notice(make_application, world):
    return final_notice(make_application, world)


def _draft_by_web(web, notice, **form):
    url = f"/bescheide/{notice.id}/aenderungen/neu"
    data = {"new_period_end": "", "new_amount": "", "condition": "", "reasons": "Gründe."}
    return web.fill(url, data | form)


def test_a_reviewer_drafts_an_amendment_on_the_notice_page(notice, world, make_web):
    web = make_web(world.users.reviewer)
    page = web.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "Änderungsbescheid entwerfen" in page
    response = _draft_by_web(web, notice, new_period_end="31.12.2028")
    assert response.status_code == 302
    amendment = db.session.scalars(select(AmendmentNotice)).one()
    assert amendment.new_period_end.isoformat() == "2028-12-31"
    assert amendment.case.state == "drafted"
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Entwurf speichern" in page and "zur Mitzeichnung vorschlagen" in page


def test_a_draft_without_a_change_is_refused_with_the_form_kept(notice, world, make_web):
    web = make_web(world.users.reviewer)
    response = _draft_by_web(web, notice, reasons="Nur Gründe.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "mindestens eine Änderung" in page and "Nur Gründe." in page
    assert db.session.scalars(select(AmendmentNotice)).first() is None


def test_the_city_cannot_draft_and_sees_no_draft(notice, world, make_web):
    city = make_web(world.users.speyer)
    assert _draft_by_web(city, notice, condition="x").status_code == 403
    reviewer = make_web(world.users.reviewer)
    _draft_by_web(reviewer, notice, condition="Eine Auflage.")
    amendment = db.session.scalars(select(AmendmentNotice)).one()
    assert city.get(f"/bescheide/aenderungen/{amendment.id}").status_code == 404
    assert "Eine Auflage" not in city.get("/bescheide/").get_data(as_text=True)
    other = make_web(world.users.pirmasens)
    assert other.get(f"/bescheide/aenderungen/{amendment.id}").status_code == 404


def test_preview_is_marked_draft_and_the_issued_pdf_is_the_citys(notice, world, make_web):
    world.users.reviewer.can_sign = True
    db.session.commit()
    reviewer = make_web(world.users.reviewer)
    _draft_by_web(reviewer, notice, condition="Eine Auflage.")
    amendment = db.session.scalars(select(AmendmentNotice)).one()
    preview = reviewer.get(f"/bescheide/aenderungen/{amendment.id}/vorschau.pdf")
    assert preview.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.data)).pages)
    assert "ENTWURF" in text and "Änderungsbescheid" in text
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    act(amendment, "issue", world.users.reviewer)
    city = make_web(world.users.speyer)
    assert city.get(f"/bescheide/aenderungen/{amendment.id}").status_code == 200
    assert city.get(f"/bescheide/aenderungen/{amendment.id}/pdf").status_code == 200
    assert city.get(f"/bescheide/aenderungen/{amendment.id}/vorschau.pdf").status_code == 404
    listing = city.get("/bescheide/").get_data(as_text=True)
    assert amendment.file_reference in listing
    notice_page = city.get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert amendment.file_reference in notice_page and "entwerfen" not in notice_page


def test_the_notice_page_shows_the_condition_once_in_effect(notice, world, make_web):
    from datetime import timedelta

    from antrag.amendments.operations import draft_amendment
    from antrag.engine import timer
    from antrag.engine.calendar import BERLIN

    amendment = draft_amendment(
        world.users.reviewer,
        notice,
        new_amount=None,
        new_period_end=None,
        condition="Halbjährlicher Bericht an das Ministerium.",
        reasons="Gründe.",
    )
    world.users.reviewer.can_sign = True
    db.session.commit()
    for trigger, actor in (
        ("propose", world.users.reviewer),
        ("co_sign", world.users.reviewer2),
        ("issue", world.users.reviewer),
    ):
        act(amendment, trigger, actor)
    day = datetime.combine(amendment.made_known_on, datetime.min.time(), tzinfo=BERLIN)
    with frozen_at(day + timedelta(hours=8)):
        timer.tick()
        page = make_web(world.users.speyer).get(f"/bescheide/{notice.id}").get_data(as_text=True)
    assert "Halbjährlicher Bericht an das Ministerium." in page
    assert "Geändert durch Änderungsbescheid vom" in page


def test_provided_electronically_it_takes_effect_the_day_after_the_citys_download(
    notice, world, make_web
):
    from datetime import timedelta

    from antrag.amendments.operations import draft_amendment
    from antrag.engine import timer
    from antrag.engine.calendar import BERLIN
    from antrag.notices import consent

    world.users.speyer.may_represent = True
    consent.declare(world.users.speyer)
    world.users.reviewer.can_sign = True
    amendment = draft_amendment(
        world.users.reviewer,
        notice,
        new_amount=None,
        new_period_end=notice.period_end + timedelta(days=30),
        condition=None,
        reasons="Gründe.",
    )
    db.session.commit()
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    act(amendment, "issue_electronically", world.users.reviewer)
    assert amendment.case.state == "provided"
    city = make_web(world.users.speyer)
    assert city.get(f"/bescheide/aenderungen/{amendment.id}/pdf").status_code == 200
    db.session.expire_all()
    assert amendment.case.state == "served"
    assert amendment.made_known_on == date(2026, 3, 3)  # the day after the download
    with frozen_at(datetime(2026, 3, 2, 22, tzinfo=BERLIN)):
        assert timer.tick().fired == []  # not yet made known
    with frozen_at(datetime(2026, 3, 3, 0, 5, tzinfo=BERLIN)):
        timer.tick()
    db.session.expire_all()
    assert amendment.case.state == "issued"
    assert db.session.get(type(notice), notice.id).period_end == amendment.new_period_end
