"""`audit verify` reconciles every round's running totals with its ledger and its notices."""

from audit_support import in_the_database, verify


def test_an_approval_reconciles(make_application, world, runner):
    make_application("approved")

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "ok: every round's budget ledger reconciles to the cent (1 rounds)." in result.output


def test_a_reservation_zeroed_in_the_database_is_named(make_application, world, runner):
    make_application("approved")  # reserves the standard amount for the drafted notice
    in_the_database("UPDATE round SET reserved = 0 WHERE id = :id", id=world.round.id)

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"BUDGET of round {world.round.id} (Testrunde) does not reconcile: "
        "Vorgemerkt: Die Runde führt 0,00\u00a0€, die Buchungen ergeben 60.750,00\u00a0€."
    ) in result.output
