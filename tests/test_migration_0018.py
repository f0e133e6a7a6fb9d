"""Migration 0018 on existing data: a notice closed before it gets its unpaid commitment
released, so that the ledger reconciles; the downgrade takes the release back."""

from decimal import Decimal

from flask_migrate import downgrade, upgrade
from funding_support import accept_proof, act, final_notice, paid_call_off, proof_of, report_proof
from sqlalchemy import text

from antrag.extensions import db
from antrag.funding import ledger
from antrag.programme.models import Round


def _ledger_row(round_id):
    return db.session.execute(
        text(
            "SELECT committed, (SELECT COUNT(*) FROM budget_entry WHERE kind = 'decommitment') "
            "FROM round WHERE id = :id"
        ),
        {"id": round_id},
    ).one()


def test_a_notice_closed_before_the_migration_releases_its_unpaid_commitment(
    make_application, world, app
):
    notice = final_notice(make_application, world)
    paid_call_off(notice, "20000.00", world)
    proof = proof_of(notice)
    report_proof(proof, world, "20000.00")
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    round_id = world.round.id
    db.session.commit()
    db.session.remove()

    downgrade(revision="0016")  # the state before: the closed notice holds all 60,750.00
    committed, releases = _ledger_row(round_id)
    assert (Decimal(committed), releases) == (Decimal("60750.00"), 0)
    db.session.remove()

    upgrade()
    rnd = db.session.get(Round, round_id)
    assert (rnd.committed, rnd.decommitted) == (Decimal("20000.00"), Decimal("40750.00"))
    assert ledger.reconcile(rnd) == []
