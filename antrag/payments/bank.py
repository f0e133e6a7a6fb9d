"""A city's bank account: IBAN checked with schwifty, BIC derived from the IBAN where known."""

from dataclasses import dataclass

from flask_babel import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidAccountCode,
    InvalidBankCode,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    InvalidStructure,
    SchwiftyException,
)

HOLDER_MAX = 70  # SEPA: the creditor's name is at most 70 characters (pain.001 Cdtr/Nm)


@dataclass(frozen=True)
class Account:
    """A checked bank account: IBAN (electronic form), BIC (or None) and account holder."""

    iban: str
    bic: str | None
    holder: str


def iban_problem(text: str) -> str | None:
    """Return a German message if `text` is not a valid IBAN, else None."""
    try:
        IBAN(text)
    except InvalidChecksumDigits:
        return _("Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die Eingabe.")
    except InvalidLength:
        return _("Die IBAN hat nicht die richtige Länge (in Deutschland 22 Zeichen).")
    except InvalidCountryCode:
        return _("Die IBAN beginnt nicht mit einem bekannten Ländercode (z. B. DE).")
    except (InvalidStructure, InvalidBankCode, InvalidAccountCode):
        return _("Die IBAN ist nicht richtig aufgebaut.")
    except (SchwiftyException, ValueError):
        return _("Das ist keine gültige IBAN.")
    return None


def bic_problem(text: str) -> str | None:
    """Return a German message if `text` is not a valid BIC, else None."""
    try:
        BIC(text)
    except (SchwiftyException, ValueError):
        return _("Das ist keine gültige BIC (8 oder 11 Zeichen, z. B. MALADE51SPY).")
    return None


def derived_bic(iban: str) -> str | None:
    """Return the BIC schwifty knows for the IBAN's bank, or None."""
    try:
        bic = IBAN(iban).bic
    except (SchwiftyException, ValueError):
        return None
    return str(bic) if bic is not None else None


def check_account(values: dict, errors: dict) -> None:
    """Normalise `iban`, `bic` and `account_holder` in `values`; add field messages to `errors`.

    All three are optional together (a city without an account cannot call off funds); once
    an IBAN is given the holder is needed, and a missing BIC is derived from the IBAN.
    """
    iban = "".join((values.get("iban") or "").split()).upper()
    bic = "".join((values.get("bic") or "").split()).upper()
    holder = " ".join((values.get("account_holder") or "").split())
    values.update(iban=iban or None, bic=bic or None, account_holder=holder or None)
    if not iban:
        if bic or holder:
            errors["iban"] = _("Bitte geben Sie die IBAN des Kontos an.")
        return
    problem = iban_problem(iban)
    if problem:
        errors["iban"] = problem
        return
    if not holder:
        errors["account_holder"] = _("Bitte geben Sie den Kontoinhaber an.")
    elif len(holder) > HOLDER_MAX:
        errors["account_holder"] = _("Höchstens %(count)s Zeichen.", count=HOLDER_MAX)
    if bic:
        problem = bic_problem(bic)
        if problem:
            errors["bic"] = problem
    else:
        values["bic"] = derived_bic(iban)


def account_of(municipality) -> Account | None:
    """Return the municipality's checked account, or None if it has no valid one."""
    iban, holder = municipality.iban, municipality.account_holder
    if not iban or not holder or iban_problem(iban) is not None:
        return None
    return Account(iban=iban, bic=municipality.bic or derived_bic(iban), holder=holder)


# Demo accounts: a real bank code (so that schwifty derives the BIC) with made-up account
# numbers 99<AGS>; never a real account of a city.
DEMO_BANK_CODE = "55050120"


def demo_account(ags: str, name: str) -> dict:
    """Return a fictitious but checksum-valid account for the demo city `ags` (master data)."""
    iban = str(IBAN.generate("DE", bank_code=DEMO_BANK_CODE, account_code=f"99{ags}"))
    return {"iban": iban, "bic": derived_bic(iban), "account_holder": f"Stadtkasse {name} (Demo)"}


def formatted_iban(iban: str | None) -> str:
    """Return the IBAN in groups of four for reading ("DE89 3704 …")."""
    if not iban:
        return ""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
