"""The whole life of a case through the test client: submitted, approved, issued and final,
called off, ordered and paid, proof reviewed with an item not recognised, reclaimed with
interest, closed; the ledger reconciles after every money step."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from funding_support import notice_of, proof_of
from pypdf import PdfReader
from reclaim_support import rates_file  # noqa: F401
from sqlalchemy import select

from antrag.applications.storage import minimal_pdf
from antrag.clock import frozen_at, now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.formats import format_amount
from antrag.funding import ledger
from antrag.funding.models import CallOff
from antrag.reclaim.models import Reclaim
from antrag.reclaim.operations import reclaim_interest


def _act(web, url, trigger, version, comment="", **inputs):
    web.get(url.removesuffix("/aktion"))
    form = {"trigger": trigger, "version": version, "comment": comment, "confirm_waiver": "y"}
    form |= {f"input_{name}": value for name, value in inputs.items()}
    response = web.post(url, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()


@pytest.mark.usefixtures("rates_file")
def test_notice_issued_waived_called_off_twice_proved_with_reclaim_and_closed(
    make_application, world, make_web
):
    application = make_application("submitted")
    world.users.reviewer.can_sign = True
    db.session.commit()
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    city = make_web(world.users.speyer)
    decision = f"/antraege/{application.id}/aktion"
    _act(anna, decision, "start_review", application.case.version)
    _act(anna, decision, "propose_approval", application.case.version, "Förderfähig.")
    _act(ben, decision, "approve", application.case.version)
    notice = notice_of(application)
    base = f"/bescheide/{notice.id}"
    _act(anna, f"{base}/aktion", "issue", notice.case.version)
    pdf = PdfReader(io.BytesIO(city.get(f"{base}/pdf").get_data()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert notice.file_reference in text
    assert "sechzigtausendsiebenhundertfünfzig Euro" in text
    _act(city, f"{base}/aktion", "waive_appeal", notice.case.version)
    for amount in ("30.000,00", "20.000,00"):
        city.get(base)
        assert city.post(f"{base}/abrufe", {"amount": amount}).status_code == 302
    db.session.expire_all()
    for call_off in db.session.scalars(select(CallOff)):
        url = f"/bescheide/abrufe/{call_off.id}/aktion"
        _act(anna, url, "check", call_off.case.version)
        _act(ben, url, "release", call_off.case.version)
        assert call_off.case.state == "ordered" and call_off.payment_order is not None
        assert world.round.ordered > 0 and ledger.reconcile(world.round) == []
        day = now().astimezone(BERLIN).date().isoformat()
        _act(anna, url, "confirm_payment", call_off.case.version, value_date=day)
        assert call_off.case.state == "paid"
        assert ledger.reconcile(world.round) == []
    assert world.round.ordered == 0 and world.round.paid == Decimal("50000.00")
    proof = proof_of(notice)
    url = f"/bescheide/nachweise/{proof.id}"
    project = notice.application.projects[0]
    city.get(url)
    city.post(
        url,
        {
            "version": proof.case.version,
            "report": "Bürgerbüro ist online.",
            f"spent_{project.id}": "45.000,00",
        },
    )
    db.session.expire_all()
    city.post(
        f"{url}/belege",
        {
            "version": proof.case.version,
            "document": (io.BytesIO(minimal_pdf("Rechnung")), "Rechnung.pdf"),
        },
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    city.get(url)
    listed = city.post(
        f"{url}/belegliste",
        {
            "version": proof.case.version,
            "project": project.id,
            "paid_on": "30.09.2019",
            "payee": "Beispiel GmbH",
            "purpose": "Rechnung 2019-117",
            "amount": "45.000,00",
        },
    )
    assert listed.status_code == 302
    db.session.expire_all()
    _act(city, f"{url}/aktion", "submit", proof.case.version)
    # Anna recognises 44,000.00 of the 45,000.00 (one item partly not), with the reason.
    review = f"{url}/pruefung"
    anna.get(review)
    reviewed = anna.post(
        review,
        {
            "version": proof.case.version,
            f"recognised_{project.id}": "44.000,00",
            f"reason_{project.id}": "Bewirtung gehört nicht zum Zuwendungszweck.",
        },
    )
    assert reviewed.status_code == 302
    db.session.expire_all()
    _act(anna, f"{url}/aktion", "propose_acceptance", proof.case.version)
    _act(ben, f"{url}/aktion", "accept", proof.case.version)
    assert (proof.recognised_total, proof.entitled_amount) == (
        Decimal("44000.00"),
        Decimal("44000.00"),
    )
    assert proof.reclaim_amount == Decimal("6000.00")
    assert notice.case.state == "closed"
    assert world.round.decommitted == Decimal("10750.00")
    page = city.get(base).get_data(as_text=True).replace("\xa0", " ")
    assert "50.000,00 €" in page and "Abgeschlossen" in page
    assert ledger.reconcile(world.round) == []
    _reclaimed_with_interest(proof, world, make_web)


def _reclaimed_with_interest(proof, world, make_web):
    """The 6,000.00 paid beyond the entitled grant: hearing, four-eyes decision, reclaim
    notice with interest, money received, closed; the ledger reconciles after every step."""
    reclaim = db.session.scalars(select(Reclaim).filter_by(proof_id=proof.id)).one()
    assert (reclaim.amount, reclaim.case.state) == (Decimal("6000.00"), "opened")
    anna, ben = make_web(world.users.reviewer), make_web(world.users.reviewer2)
    city = make_web(world.users.speyer)
    url = f"/rueckforderungen/{reclaim.id}/aktion"

    def step(web, trigger, comment="", **inputs):
        _act(web, url, trigger, reclaim.case.version, comment, **inputs)
        assert ledger.reconcile(world.round) == []

    step(anna, "send_hearing")
    step(city, "answer", "Die Bewirtung war Teil der Auftaktveranstaltung.")
    step(anna, "record_hearing_outcome", "Bewirtung ist nicht zuwendungsfähig.")
    step(anna, "propose_decision", "Teilwiderruf in Höhe der nicht anerkannten Ausgaben.")
    step(ben, "decide")
    assert world.round.reclaim_due == Decimal("6000.00") and world.round.reclaimed == 0
    step(anna, "issue")
    pdf = city.get(f"/rueckforderungen/{reclaim.id}/bescheid.pdf").get_data()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert reclaim.file_reference in text and "6.000,00 EUR" in text and "Zinsen" in text
    later = now() + timedelta(days=40)
    with frozen_at(later):
        day = later.astimezone(BERLIN).date()
        total = reclaim.amount + reclaim_interest(reclaim, day).total
        assert total > reclaim.amount
        anna = make_web(world.users.reviewer)  # a new login: the old session has expired
        step(
            anna,
            "record_receipt",
            received_on=day.isoformat(),
            received_amount=format_amount(total),
        )
    assert reclaim.case.state == "closed"
    assert (world.round.reclaim_due, world.round.reclaimed) == (0, Decimal("6000.00"))
    # The round bears what the city may keep: 50,000.00 paid − 6,000.00 received back.
    assert world.round.available == world.round.budget - Decimal("44000.00")
