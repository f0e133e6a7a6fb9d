"""The ministry reviews a proof of use item by item; the proposal fixes the figures; closing
the notice gives back what was never paid, and the ledger reconciles to the cent."""

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
from sqlalchemy import select

from antrag.engine.errors import GuardRefused, InvalidInput
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry
from antrag.funding.proof_operations import add_funds, save_review


@pytest.fixture
def submitted(make_application, world):
    """Speyer was paid 50,000.00 on its 60,750.00 notice, reported 45,000.00 and submitted."""
    notice = final_notice(make_application, world)
    paid_call_off(notice, "30000.00", world)
    paid_call_off(notice, "20000.00", world)
    proof = proof_of(notice)
    report_proof(proof, world, "45000.00")
    act(proof, "submit", world.users.speyer)
    assert ledger.reconcile(world.round) == []
    return proof


def _project(proof):
    return proof.notice.application.projects[0]


def test_the_acceptance_cannot_be_proposed_before_every_project_is_reviewed(submitted, world):
    with pytest.raises(GuardRefused, match="Es fehlen: anerkannte Ausgaben für Projekt 1"):
        act(submitted, "propose_acceptance", world.users.reviewer)


def test_an_amount_not_recognised_needs_a_reason(submitted, world):
    project = _project(submitted)
    with pytest.raises(InvalidInput) as refused:
        save_review(
            world.users.reviewer,
            submitted,
            submitted.case.version,
            {project.id: (Decimal("40000.00"), "")},
            {},
        )
    assert "Bitte begründen Sie, warum 5.000,00" in refused.value.errors[f"reason_{project.id}"]
    db.session.rollback()
    with pytest.raises(InvalidInput) as too_much:
        save_review(
            world.users.reviewer,
            submitted,
            submitted.case.version,
            {project.id: (Decimal("45000.01"), None)},
            {},
        )
    assert "höchstens die angegebenen Ausgaben" in too_much.value.errors[f"recognised_{project.id}"]


def test_a_partly_unrecognised_item_lowers_what_the_city_keeps_and_raises_the_reclaim(
    submitted, world
):
    project = _project(submitted)
    review_proof(
        submitted,
        world.users.reviewer,
        {project.id: (Decimal("40000.00"), "Rechnung 3 betrifft nicht den Zuwendungszweck.")},
    )
    act(submitted, "propose_acceptance", world.users.reviewer)
    # The proposal fixes the figures the co-signer decides on.
    assert submitted.recognised_total == Decimal("40000.00")
    assert submitted.entitled_amount == Decimal("40000.00")
    assert submitted.reviewed_by_id == world.users.reviewer.id
    with pytest.raises(GuardRefused, match="Vier-Augen-Prinzip"):
        act(submitted, "accept", world.users.reviewer)
    db.session.rollback()
    act(submitted, "accept", world.users.reviewer2)
    db.session.expire_all()
    assert submitted.reclaim_amount == Decimal("10000.00")
    assert submitted.notice.case.state == "closed"
    rnd = world.round
    # The 10,000.00 are reclaimed by a procedure of their own (booked once decided).
    assert (rnd.paid, rnd.reclaimed, rnd.reclaim_due, rnd.decommitted) == (
        Decimal("50000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("10750.00"),
    )
    from antrag.reclaim.models import Reclaim

    reclaim = db.session.scalars(db.select(Reclaim).filter_by(proof_id=submitted.id)).one()
    assert reclaim.amount == Decimal("10000.00") and reclaim.case.state == "opened"
    assert ledger.reconcile(rnd) == []


def test_the_review_is_fixed_by_the_proposal_and_open_again_after_send_back(
    submitted, world, make_web
):
    review_proof(submitted, world.users.reviewer)
    act(submitted, "propose_acceptance", world.users.reviewer)
    web = make_web(world.users.reviewer2)
    url = f"/bescheide/nachweise/{submitted.id}/pruefung"
    page = web.get(url).get_data(as_text=True)
    assert "Prüfung speichern" not in page and "stehen die Beträge fest" in page
    project = _project(submitted)
    refused = web.post(url, {"version": submitted.case.version, f"recognised_{project.id}": "1,00"})
    assert refused.status_code == 409
    db.session.expire_all()
    assert submitted.lines[0].recognised == Decimal("45000.00")
    act(submitted, "send_back", world.users.reviewer2, comment="Rechnung 3 prüfen.")
    web.get(url)
    saved = web.post(
        url,
        {
            "version": submitted.case.version,
            f"recognised_{project.id}": "44.000,00",
            f"reason_{project.id}": "Skonto nicht abgezogen.",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert submitted.lines[0].recognised == Decimal("44000.00")


def test_the_review_page_shows_a_missing_reason_at_the_field(submitted, world, make_web):
    web = make_web(world.users.reviewer)
    url = f"/bescheide/nachweise/{submitted.id}/pruefung"
    web.get(url)
    project = _project(submitted)
    response = web.post(
        url, {"version": submitted.case.version, f"recognised_{project.id}": "40.000,00"}
    )
    assert response.status_code == 422
    assert "Bitte begründen Sie" in response.get_data(as_text=True)
    db.session.expire_all()
    assert submitted.lines[0].recognised is None


def test_a_receipt_marked_not_recognised_needs_a_reason_and_caps_the_recognised_amount(
    submitted, world
):
    project = _project(submitted)
    [receipt] = submitted.receipts
    with pytest.raises(InvalidInput) as refused:
        save_review(
            world.users.reviewer,
            submitted,
            submitted.case.version,
            {project.id: (Decimal("45000.00"), None)},
            {receipt.id: (True, " ")},
        )
    assert f"receipt_reason_{receipt.id}" in refused.value.errors
    db.session.rollback()
    save_review(
        world.users.reviewer,
        submitted,
        submitted.case.version,
        {project.id: (Decimal("45000.00"), None)},
        {receipt.id: (True, "Beleg ohne Leistungszeitraum.")},
    )
    db.session.commit()
    with pytest.raises(GuardRefused, match="mehr als die anerkannten Belege"):
        act(submitted, "propose_acceptance", world.users.reviewer)


def test_declared_third_party_funds_count_where_configured(make_application, world, app):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "50000.00", world)
    proof = proof_of(notice)
    report_proof(proof, world, "55000.00")
    add_funds(
        world.users.speyer,
        proof,
        proof.case.version,
        kind="third_party",
        description="Zuschuss des Landkreises",
        amount=Decimal("7500.00"),
    )
    db.session.commit()
    act(proof, "submit", world.users.speyer)
    app.config["FIXED_AMOUNT_LIMITED_BY_OTHER_FUNDS"] = True
    accept_proof(proof, world)
    # 55,000.00 recognised − 7,500.00 third-party funds = 47,500.00 kept; 2,500.00 back.
    assert (proof.entitled_amount, proof.reclaim_amount) == (
        Decimal("47500.00"),
        Decimal("2500.00"),
    )
    assert ledger.reconcile(world.round) == []


def test_closing_releases_the_unpaid_commitment_once_and_the_ledger_says_if_it_is_missing(
    submitted, world
):
    accept_proof(submitted, world)
    entries = db.session.scalars(select(BudgetEntry).filter_by(kind="decommitment")).all()
    assert [(e.amount, e.notice_id) for e in entries] == [
        (Decimal("10750.00"), submitted.notice_id)
    ]
    assert ledger.reconcile(world.round) == []
    # A decommitment lost (or never booked) shows in the reconciliation.
    db.session.delete(entries[0])
    db.session.flush()
    problems = ledger.reconcile(world.round)
    assert any("müssten 10.750,00" in p.replace("\xa0", " ") for p in problems)
    db.session.rollback()


def test_a_second_decommitment_of_one_notice_is_refused_by_the_database(submitted, world):
    from sqlalchemy.exc import IntegrityError

    accept_proof(submitted, world)
    notice = submitted.notice
    db.session.add(
        BudgetEntry(
            round_id=notice.round_id,
            notice_id=notice.id,
            kind="decommitment",
            amount=Decimal("1.00"),
            case_id=notice.case_id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_fully_paid_notice_releases_nothing_on_close(make_application, world):
    notice = final_notice(make_application, world)
    paid_call_off(notice, str(notice.amount), world)
    proof = proof_of(notice)
    report_proof(proof, world, str(notice.amount))
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    assert db.session.scalars(select(BudgetEntry).filter_by(kind="decommitment")).all() == []
    assert world.round.decommitted == Decimal("0.00")
    assert ledger.reconcile(world.round) == []


def test_the_city_declares_and_removes_funds_and_receipts_on_the_web(
    make_application, world, make_web
):
    proof = proof_of(final_notice(make_application, world))
    report_proof(proof, world, "1000.00")
    web = make_web(world.users.speyer)
    url = f"/bescheide/nachweise/{proof.id}"
    web.get(url)
    bad = web.post(
        f"{url}/mittel",
        {"version": proof.case.version, "kind": "third_party", "description": "", "amount": "0"},
    )
    assert bad.status_code == 422
    assert "Bitte beschreiben Sie, woher die Mittel stammen." in bad.get_data(as_text=True)
    web.get(url)
    added = web.post(
        f"{url}/mittel",
        {
            "version": proof.case.version,
            "kind": "third_party",
            "description": "Zuschuss des Landkreises",
            "amount": "2.500,00",
        },
    )
    assert added.status_code == 302
    db.session.expire_all()
    [funds] = proof.funds
    assert (funds.kind, funds.amount) == ("third_party", Decimal("2500.00"))
    page = web.get(url).get_data(as_text=True)
    assert "Zuschuss des Landkreises" in page and "Mittel Dritter" in page
    [receipt] = proof.receipts
    gone = web.post(f"{url}/belegliste/{receipt.id}/entfernen", {"version": proof.case.version})
    assert gone.status_code == 302
    web.post(f"{url}/mittel/{funds.id}/entfernen", {"version": proof.case.version + 1})
    db.session.expire_all()
    assert (proof.receipts, proof.funds) == ([], [])


def test_receipts_cannot_change_once_the_proof_is_submitted(submitted, world, make_web):
    web = make_web(world.users.speyer)
    url = f"/bescheide/nachweise/{submitted.id}"
    [receipt] = submitted.receipts
    response = web.post(
        f"{url}/belegliste/{receipt.id}/entfernen", {"version": submitted.case.version}
    )
    assert response.status_code == 409
    assert "Eingereicht" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(submitted.receipts) == 1
