"""`audit verify` reconciles every round's running totals with its ledger and its notices."""

from sqlalchemy import text

from antrag.extensions import db


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_an_approval_reconciles(make_application, world, runner):
    make_application("approved")

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "ok: every round's budget ledger reconciles to the cent (1 rounds)." in result.output


def test_a_reservation_zeroed_in_the_database_is_named(make_application, world, runner):
    make_application("approved")  # reserves the standard amount for the drafted notice
    db.session.execute(text("UPDATE round SET reserved = 0 WHERE id = :id"), {"id": world.round.id})
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"BUDGET of round {world.round.id} (Testrunde) does not reconcile: "
        "Vorgemerkt: Die Runde führt 0,00\u00a0€, die Buchungen ergeben 60.750,00\u00a0€."
    ) in result.output
