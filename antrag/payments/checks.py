"""`flask check-deploy`: the treasury account the pain.001 files draw on must be real."""

from .bank import bic_problem, iban_problem

DEMO_IBAN = "DE11550000000000001017"  # config.DEMO_DEBTOR, for development and tests only


def payment_problems(config) -> list[tuple[str, str, str]]:
    """Return (setting, level, message) for each payment setting production cannot run with."""
    problems = []
    if not str(config.get("PAYMENT_DEBTOR_NAME") or "").strip():
        problems.append(
            ("PAYMENT_DEBTOR_NAME", "error", "no paying account holder for the pain.001 files")
        )
    iban = str(config.get("PAYMENT_DEBTOR_IBAN") or "").replace(" ", "").upper()
    if not iban:
        problems.append(("PAYMENT_DEBTOR_IBAN", "error", "no treasury account (IBAN) is set"))
    elif iban == DEMO_IBAN:
        problems.append(("PAYMENT_DEBTOR_IBAN", "error", "the demo treasury account is set"))
    elif iban_problem(iban):
        problems.append(("PAYMENT_DEBTOR_IBAN", "error", f"{iban} is not a valid IBAN"))
    bic = str(config.get("PAYMENT_DEBTOR_BIC") or "").strip()
    if bic and bic_problem(bic):
        problems.append(("PAYMENT_DEBTOR_BIC", "error", f"{bic} is not a valid BIC"))
    return problems
