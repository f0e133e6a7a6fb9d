"""The reclaim part of a case's life through the test client: hearing, answer, four-eyes
decision, notice issued and served, money received with interest, closed; the ledger
reconciles after every step. (It continues the journey of test_funding_journey.py, which
ends with the proof accepted and the reclaim opened.)"""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from reclaim_support import overpaid_reclaim, rates_file  # noqa: F401

from antrag.clock import frozen_at, now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.formats import format_amount
from antrag.funding import ledger
from antrag.reclaim.operations import reclaim_interest


def _act(web, url, trigger, reclaim, comment="", **inputs):
    web.get(url.removesuffix("/aktion"))
    form = {"trigger": trigger, "version": reclaim.case.version, "comment": comment}
    form |= {f"input_{name}": value for name, value in inputs.items()}
    response = web.post(url, form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert ledger.reconcile(reclaim.round) == []


@pytest.mark.usefixtures("rates_file")
def test_heard_decided_issued_paid_and_closed_on_the_web(make_application, world, make_web):
    reclaim = overpaid_reclaim(make_application, world)
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    city = make_web(world.users.speyer)
    url = f"/rueckforderungen/{reclaim.id}/aktion"
    _act(anna, url, "send_hearing", reclaim)
    assert city.get(f"/rueckforderungen/{reclaim.id}/anhoerung.pdf").status_code == 200
    _act(city, url, "answer", reclaim, "Die Ausgaben fielen niedriger aus.")
    _act(anna, url, "record_hearing_outcome", reclaim, "Die Stellungnahme bestätigt den Betrag.")
    _act(anna, url, "propose_decision", reclaim, "Mittel nicht verbraucht.", amount="5.000,00")
    _act(ben, url, "decide", reclaim)
    assert reclaim.round.reclaim_due == reclaim.amount
    _act(anna, url, "issue", reclaim)
    pdf = city.get(f"/rueckforderungen/{reclaim.id}/bescheid.pdf").get_data()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert reclaim.file_reference in text and "5.000,00 EUR" in text
    later = now() + timedelta(days=45)
    with frozen_at(later):
        day = later.astimezone(BERLIN).date()
        total = reclaim.amount + reclaim_interest(reclaim, day).total
        anna = make_web(world.users.reviewer)  # a new login: the old session has expired
        _act(anna, url, "record_receipt", reclaim, received_on=day.isoformat(),
             received_amount=format_amount(total))  # fmt: skip
        city = make_web(world.users.speyer)
        page = city.get(f"/rueckforderungen/{reclaim.id}").get_data(as_text=True)
    assert reclaim.case.state == "closed" and "Abgeschlossen" in page
    assert (reclaim.round.reclaim_due, reclaim.round.reclaimed) == (0, reclaim.amount)
