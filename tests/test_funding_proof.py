"""Proof of use: the city reports, a reviewer asks for changes or proposes the acceptance,
a second reviewer co-signs it (four eyes); reclaim and close."""

import io
from decimal import Decimal

import pytest
from funding_support import (
    accept_proof,
    act,
    final_notice,
    paid_call_off,
    proof_of,
    report_proof,
    review_proof,
)
from sqlalchemy import func, select

from antrag.applications.storage import minimal_pdf
from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry, CallOff, ExpenditureLine, FundingNotice


def _report(proof, world, spent: str):
    report_proof(proof, world, spent)


def test_an_incomplete_proof_cannot_be_submitted_and_says_what_is_missing(make_application, world):
    proof = proof_of(final_notice(make_application, world))
    with pytest.raises(GuardRefused, match="Sachbericht; Ausgaben für Projekt 1"):
        act(proof, "submit", world.users.speyer)


def test_proof_accepted_with_a_reclaim_closes_the_notice(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "30000.00", world)
    paid_call_off(notice, "20000.00", world)
    proof = proof_of(notice)
    _report(proof, world, "45000.00")
    act(proof, "submit", world.users.speyer)
    act(proof, "request_changes", world.users.reviewer, comment="Bitte Belege beifügen.")
    assert proof.case.state == "changes_requested" and proof.case.due_at is not None
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    db.session.expire_all()
    assert proof.case.state == "accepted"
    assert proof.reclaim_amount == Decimal("5000.00")
    assert notice.case.state == "closed"
    # The reclaim runs as a procedure of its own: nothing comes back until it is received.
    assert world.round.reclaimed == 0 and world.round.reclaim_due == 0
    # Closing gave back the 10,750.00 never paid: the round is charged with what was paid.
    assert world.round.decommitted == Decimal("10750.00")
    assert world.round.committed == Decimal("50000.00")
    assert world.round.available == Decimal("243000.00") - Decimal("50000.00")
    assert ledger.reconcile(world.round) == []


def test_the_reviewer_who_proposed_the_acceptance_cannot_cosign_it(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "30000.00", world)
    proof = proof_of(notice)
    _report(proof, world, "30000.00")
    act(proof, "submit", world.users.speyer)
    review_proof(proof, world.users.reviewer)
    act(proof, "propose_acceptance", world.users.reviewer)
    assert proof.case.state == "acceptance_proposed" and proof.reclaim_amount is None

    with pytest.raises(GuardRefused, match="Vier-Augen-Prinzip"):
        act(proof, "accept", world.users.reviewer)
    db.session.rollback()
    act(proof, "send_back", world.users.reviewer2, comment="Beleg 3 fehlt.")

    assert proof.case.state == "submitted" and notice.case.state == "final"


def test_no_reclaim_when_everything_paid_was_spent(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "30000.00", world)
    proof = proof_of(notice)
    _report(proof, world, "35000.00")
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    assert proof.reclaim_amount == Decimal("0.00")
    assert (
        db.session.scalar(
            select(func.count()).select_from(BudgetEntry).where(BudgetEntry.kind.like("reclaim%"))
        )
        == 0
    )


def test_the_ledger_reconciles_to_the_cent(make_application, world):
    notice = final_notice(make_application, world)
    other = final_notice(make_application, world, municipality=world.andernach)
    paid_call_off(notice, "30000.01", world)
    paid_call_off(notice, "20000.02", world)
    proof = proof_of(notice)
    _report(proof, world, "44999.99")
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    db.session.expire_all()
    rnd = world.round

    def total(kind):
        return db.session.scalar(
            select(func.sum(BudgetEntry.amount)).filter_by(round_id=rnd.id, kind=kind)
        )

    issued = db.session.scalar(select(func.sum(FundingNotice.amount)))
    paid = sum(c.amount for c in db.session.scalars(select(CallOff)) if c.case.state == "paid")
    assert Decimal(total("commitment")).quantize(Decimal("0.01")) == issued
    # The closed notice gives back what it never paid (60,750.00 − 50,000.03).
    assert Decimal(total("decommitment")).quantize(Decimal("0.01")) == Decimal("10749.97")
    assert rnd.decommitted == Decimal("10749.97")
    assert rnd.committed == issued - rnd.decommitted == Decimal("50000.03") + other.amount
    assert Decimal(total("payment")).quantize(Decimal("0.01")) == rnd.paid == paid
    assert total("reclaim") is None and rnd.reclaimed == 0  # the reclaim runs as a procedure
    assert proof.reclaim_amount == Decimal("5000.04")
    assert ledger.reconcile(rnd) == []


def test_the_city_reports_in_german_uploads_a_pdf_and_submits_on_the_web(
    make_application, world, make_web
):
    proof = proof_of(final_notice(make_application, world))
    project = proof.notice.application.projects[0]
    web = make_web(world.users.speyer)
    url = f"/bescheide/nachweise/{proof.id}"
    web.get(url)
    bad = web.post(
        url, {"version": proof.case.version, "report": "x", f"spent_{project.id}": "viel"}
    )
    assert bad.status_code == 422 and "Bitte geben Sie einen Betrag in Euro an" in bad.get_data(
        True
    )
    ok = web.post(
        url,
        {
            "version": proof.case.version,
            "report": "Bürgerbüro online.",
            f"spent_{project.id}": "58.000,50",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    upload = web.post(
        f"{url}/belege",
        {
            "version": proof.case.version,
            "document": (io.BytesIO(minimal_pdf("Beleg")), "Beleg.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    db.session.expire_all()
    assert [a.original_name for a in proof.attachments] == ["Beleg.pdf"]
    assert db.session.scalar(select(ExpenditureLine.spent)) == Decimal("58000.50")
    web.get(url)
    refused = web.post(f"{url}/aktion", {"trigger": "submit", "version": proof.case.version})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True).replace("\xa0", " ")
    assert "Die Belegliste ergibt 0,00 €, angegeben sind Ausgaben von 58.000,50 €" in text
    web.get(url)
    listed = web.post(
        f"{url}/belegliste",
        {
            "version": proof.case.version,
            "project": project.id,
            "paid_on": "30.09.2019",
            "payee": "Beispiel GmbH",
            "purpose": "Rechnung 2019-117",
            "amount": "58.000,50",
        },
    )
    assert listed.status_code == 302
    db.session.expire_all()
    assert [r.amount for r in proof.receipts] == [Decimal("58000.50")]
    web.get(url)
    done = web.post(f"{url}/aktion", {"trigger": "submit", "version": proof.case.version})
    assert done.status_code == 302
    db.session.expire_all()
    assert proof.case.state == "submitted"


def test_a_non_pdf_proof_document_is_refused_with_a_field_message(
    make_application, world, make_web
):
    proof = proof_of(final_notice(make_application, world))
    web = make_web(world.users.speyer)
    url = f"/bescheide/nachweise/{proof.id}"
    web.get(url)
    response = web.post(
        f"{url}/belege",
        {"version": proof.case.version, "document": (io.BytesIO(b"MZ not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "kein PDF-Dokument" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proof.attachments == []


def test_a_submitted_proof_cannot_be_changed_and_the_city_is_told_why(
    make_application, world, make_web
):
    proof = proof_of(final_notice(make_application, world))
    _report(proof, world, "60750.00")
    act(proof, "submit", world.users.speyer)
    web = make_web(world.users.speyer)
    url = f"/bescheide/nachweise/{proof.id}"
    assert "Verwendungsnachweis bearbeiten" not in web.get(url).get_data(as_text=True)
    response = web.post(url, {"version": proof.case.version, "report": "Anders."})
    assert response.status_code == 409
    assert "Eingereicht" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proof.report == "Umgesetzt."
