"""Helpers for the reclaim tests: a notice with an overpaid proof, a rates file, the ledger check."""

import pytest
from funding_support import (
    accept_proof,
    act,
    final_notice,
    paid_call_off,
    proof_of,
    report_proof,
)
from sqlalchemy import select

from antrag.extensions import db
from antrag.funding import ledger
from antrag.reclaim.models import Reclaim

# Test base rates: 2.00 % from 2020, 3.00 % from 1 July 2026, known far ahead.
RATES = """known_until: 2035-12-31
rates:
  - {from: 2020-01-01, rate: "2.00"}
  - {from: 2026-07-01, rate: "3.00"}
"""


@pytest.fixture
def rates_file(app, tmp_path):
    """Point the app at a base-rate file whose rates the tests know."""
    path = tmp_path / "rates.yaml"
    path.write_text(RATES, encoding="utf-8")
    app.config["RECLAIM_BASE_RATES_FILE"] = str(path)
    return path


def reconciles(round_) -> None:
    """Assert that the round's ledger reconciles to the cent."""
    db.session.expire_all()
    assert ledger.reconcile(round_) == []


def overpaid_reclaim(make_application, world, paid: str = "30000.00", spent: str = "25000.00"):
    """Pay `paid` on Speyer's notice, accept a proof of `spent`: the reclaim it opens."""
    notice = final_notice(make_application, world)
    paid_call_off(notice, paid, world)
    proof = proof_of(notice)
    report_proof(proof, world, spent)  # the report, the expenditure and its receipt
    act(proof, "submit", world.users.speyer)
    accept_proof(proof, world)
    return db.session.scalar(select(Reclaim).filter_by(notice_id=notice.id))


def heard(reclaim, world):
    """Send the hearing, let the city answer and record the outcome."""
    act(reclaim, "send_hearing", world.users.reviewer)
    act(reclaim, "answer", world.users.speyer, comment="Die Mehrkosten waren nicht absehbar.")
    act(reclaim, "record_hearing_outcome", world.users.reviewer, comment="Keine neuen Tatsachen.")
