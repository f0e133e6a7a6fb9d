"""The reclaim's pages and letters: the city answers its hearing on the web, only reviewers
act, the letters read back with the amount, the interest table and the court."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from funding_support import act
from pypdf import PdfReader
from reclaim_support import heard, overpaid_reclaim, rates_file  # noqa: F401

from antrag.applications.storage import minimal_pdf
from antrag.clock import frozen_at, now
from antrag.engine.errors import NotAllowed, NotVisible
from antrag.extensions import db
from antrag.files import upload_folder


def _text(stored_name: str) -> str:
    data = (upload_folder() / stored_name).read_bytes()
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_city_answers_the_hearing_on_the_web_with_a_pdf(make_application, world, make_web):
    reclaim = overpaid_reclaim(make_application, world)
    act(reclaim, "send_hearing", world.users.reviewer)
    web = make_web(world.users.speyer)
    page = web.get(f"/rueckforderungen/{reclaim.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stellungnahme abgeben" in body and "5.000,00" in body
    upload = web.post(
        f"/rueckforderungen/{reclaim.id}/stellungnahme",
        {
            "version": reclaim.case.version,
            "document": (io.BytesIO(minimal_pdf("Belege")), "Belege.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.get_data(as_text=True)[:2000]
    db.session.expire_all()
    answer = web.post(
        f"/rueckforderungen/{reclaim.id}/aktion",
        {
            "trigger": "answer",
            "version": reclaim.case.version,
            "comment": "Wir bitten um Nachsicht.",
        },
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert reclaim.case.state == "hearing_ended" and reclaim.answer_pdf_sha256
    assert reclaim.answer_text == "Wir bitten um Nachsicht."
    assert web.get(f"/rueckforderungen/{reclaim.id}/stellungnahme.pdf").status_code == 200


def test_another_city_sees_nothing_and_the_city_cannot_decide(make_application, world, make_web):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    assert make_web(world.users.andernach).get(f"/rueckforderungen/{reclaim.id}").status_code == 404
    with pytest.raises(NotVisible):
        act(reclaim, "decide", world.users.andernach)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        act(reclaim, "decide", world.users.speyer)
    db.session.rollback()
    web = make_web(world.users.speyer)
    refused = web.post(
        f"/rueckforderungen/{reclaim.id}/aktion",
        {"trigger": "decide", "version": reclaim.case.version},
    )
    assert refused.status_code == 403
    assert reclaim.case.state == "decision_proposed"


def test_the_hearing_letter_names_amount_and_deadline(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    act(reclaim, "send_hearing", world.users.reviewer)
    text = _text(reclaim.hearing_pdf_stored_name)
    assert "Anhörung nach § 28 VwVfG" in text and "5.000,00 EUR" in text
    assert reclaim.hearing_deadline.strftime("%d.%m.%Y") in text
    assert "innerhalb eines Monats nach seiner Bekanntgabe Klage" not in text  # no act


@pytest.mark.usefixtures("rates_file")
def test_the_reclaim_notice_shows_amount_interest_table_and_court(make_application, world):
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    start = reclaim.facts_known_on  # the money was paid today; the decision comes 10 days later
    with frozen_at(now() + timedelta(days=10)):
        act(
            reclaim,
            "propose_decision",
            world.users.reviewer,
            comment="Die Mittel blieben ungenutzt.",
            inputs={"interest_from": start},
        )
        act(reclaim, "decide", world.users.reviewer2)
        act(reclaim, "issue", world.users.reviewer)
    text = _text(reclaim.pdf_stored_name)
    assert "Rückforderungsbescheid" in text and "5.000,00 EUR" in text
    assert "fünftausend Euro" in text
    assert "Zinsberechnung" in text and "Zinsen insgesamt" in text
    assert "Die Mittel blieben ungenutzt." in text and "Keine neuen Tatsachen." in text
    assert "Verwaltungsgericht Neustadt" in text and "Rechtsbehelfsbelehrung" in text
    assert reclaim.payment_due_on.strftime("%d.%m.%Y") in text
    # The test rates: 3.00 % from July 2026, so 8,00 %; 10 days: 5,000 × 0.08 × 10 / 365 = 10.96
    assert "8,00 %" in text and "10,96 EUR" in text
    assert reclaim.amount == Decimal("5000.00")


def test_the_notice_page_lists_the_reclaim_and_the_reviewer_opens_one(
    make_application, world, make_web
):
    reclaim = overpaid_reclaim(make_application, world)
    web = make_web(world.users.reviewer)
    body = web.get(f"/bescheide/{reclaim.notice_id}").get_data(as_text=True)
    assert f"Rückforderung {reclaim.file_reference}" in body
    url = f"/rueckforderungen/bescheide/{reclaim.notice_id}/neu"
    bad = web.fill(
        url, {"amount": "99.999,00", "reason": "Zweck verfehlt.", "facts_known_on": "01.01.2026"}
    )
    assert bad.status_code == 422 and "höchstens 25.000,00" in bad.get_data(as_text=True)
    good = web.fill(
        url, {"amount": "1.000,00", "reason": "Zweck verfehlt.", "facts_known_on": "01.01.2026"}
    )
    assert good.status_code == 302 and "/rueckforderungen/" in good.headers["Location"]


@pytest.mark.usefixtures("rates_file")
def test_the_reviewer_records_the_receipt_in_german_figures(make_application, world, make_web):
    from antrag.engine.calendar import BERLIN
    from antrag.formats import format_amount
    from antrag.reclaim.operations import reclaim_interest

    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Begründung.")
    act(reclaim, "decide", world.users.reviewer2)
    act(reclaim, "issue", world.users.reviewer)
    later = now() + timedelta(days=20)
    with frozen_at(later):
        day = later.astimezone(BERLIN).date()
        total = reclaim.amount + reclaim_interest(reclaim, day).total
        web = make_web(world.users.reviewer)
        page = web.get(f"/rueckforderungen/{reclaim.id}").get_data(as_text=True)
        assert "Zinsen insgesamt" in page and format_amount(total) in page
        url = f"/rueckforderungen/{reclaim.id}/aktion"
        form = {"trigger": "record_receipt", "version": reclaim.case.version}
        form["input_received_on"] = day.isoformat()
        bad = web.post(url, form | {"input_received_amount": "fünf"})
        assert bad.status_code == 422 and "Betrag in Euro" in bad.get_data(as_text=True)
        good = web.post(url, form | {"input_received_amount": format_amount(total)})
        assert good.status_code == 302
    db.session.expire_all()
    assert reclaim.case.state == "closed" and reclaim.received_amount == total


@pytest.mark.usefixtures("rates_file")
def test_the_waiver_of_a_reclaim_notice_needs_the_confirmed_declaration(
    make_application, world, make_web
):
    """As for every notice: without the confirmation nothing changes (422, the field says why)."""
    reclaim = overpaid_reclaim(make_application, world)
    heard(reclaim, world)
    act(reclaim, "propose_decision", world.users.reviewer, comment="Nicht verwendet.")
    act(reclaim, "decide", world.users.reviewer2)
    act(reclaim, "issue", world.users.reviewer)
    world.users.speyer.may_represent = True
    world.users.speyer.represents_as = "Oberbürgermeisterin"
    db.session.commit()
    city = make_web(world.users.speyer)
    url = f"/rueckforderungen/{reclaim.id}/aktion"
    form = {"trigger": "waive_appeal", "version": reclaim.case.version, "comment": ""}

    refused = city.post(url, form)
    assert refused.status_code == 422 and 'id="confirm-waiver"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert reclaim.case.state == "issued"
    assert city.post(url, form | {"confirm_waiver": "y"}).status_code == 302
    db.session.expire_all()
    assert reclaim.case.state != "issued"
