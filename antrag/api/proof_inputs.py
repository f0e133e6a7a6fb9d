"""The city's receipts list and declared funds in `PATCH /proofs-of-use/{id}`.

Both are optional lists; when given, each replaces the stored list as a whole (the city
sends its complete Belegliste). The review itself is read-only in the API.
"""

from ..applications.forms import MAX_AMOUNT
from ..funding.proof_models import FUNDS_KINDS
from .inputs import get_amount, get_date, get_int, get_text

RECEIPT_FIELDS = ("project_id", "paid_on", "payee", "purpose", "amount")
FUNDS_FIELDS = ("kind", "description", "amount")


def _rows(body: dict, name: str, errors: dict) -> list:
    rows = body.get(name)
    if not isinstance(rows, list):
        errors[name] = "Bitte geben Sie eine Liste an."
        return []
    return rows


def _positive(row: dict, errors: dict):
    amount = get_amount(row, "amount", errors, maximum=MAX_AMOUNT)
    if amount is None and "amount" not in errors:
        errors["amount"] = "Bitte geben Sie einen Betrag an."
    elif amount is not None and amount <= 0:
        errors["amount"] = "Der Betrag muss größer als 0 sein."
    return amount


def receipts_input(proof, body: dict, errors: dict) -> list[dict] | None:
    """Return the receipts to store (None when the body has none), recording field errors."""
    if "receipts" not in body:
        return None
    projects = {p.id for p in proof.notice.application.projects}
    receipts = []
    for number, row in enumerate(_rows(body, "receipts", errors)):
        where = f"receipts[{number}]"
        if not isinstance(row, dict):
            errors[where] = "Bitte geben Sie jede Zeile als JSON-Objekt an."
            continue
        row_errors = {k: "Dieses Feld gibt es nicht." for k in row if k not in RECEIPT_FIELDS}
        project_id = get_int(row, "project_id", row_errors)
        if project_id is not None and project_id not in projects:
            row_errors["project_id"] = "Dieses Projekt gehört nicht zu diesem Antrag."
        paid_on = get_date(row, "paid_on", row_errors)
        if paid_on is None and "paid_on" not in row_errors:
            row_errors["paid_on"] = "Bitte geben Sie das Datum an."
        payee = get_text(row, "payee", row_errors, limit=200, required=True)
        purpose = get_text(row, "purpose", row_errors, limit=300, required=True)
        amount = _positive(row, row_errors)
        errors.update({f"{where}.{k}": m for k, m in row_errors.items()})
        if not row_errors:
            receipts.append(
                {
                    "project_id": project_id,
                    "paid_on": paid_on,
                    "payee": payee,
                    "purpose": purpose,
                    "amount": amount,
                }
            )
    return receipts


def funds_input(body: dict, errors: dict) -> list[dict] | None:
    """Return the declared funds to store (None when the body has none), recording errors."""
    if "funds" not in body:
        return None
    funds = []
    for number, row in enumerate(_rows(body, "funds", errors)):
        where = f"funds[{number}]"
        if not isinstance(row, dict):
            errors[where] = "Bitte geben Sie jede Zeile als JSON-Objekt an."
            continue
        row_errors = {k: "Dieses Feld gibt es nicht." for k in row if k not in FUNDS_FIELDS}
        kind = row.get("kind")
        if kind not in FUNDS_KINDS:
            row_errors["kind"] = "Bitte geben Sie income oder third_party an."
        description = get_text(row, "description", row_errors, limit=300, required=True)
        amount = _positive(row, row_errors)
        errors.update({f"{where}.{k}": m for k, m in row_errors.items()})
        if not row_errors:
            funds.append({"kind": kind, "description": description, "amount": amount})
    return funds


def request_properties(ID, DATE, AMOUNT_INPUT, array) -> dict:  # noqa: N803 - schema constants
    """Return the request schema properties `receipts` and `funds` of ProofOfUseUpdate."""
    text = {"type": "string", "minLength": 1}
    return {
        "receipts": array(
            {
                "type": "object",
                "properties": {
                    "project_id": ID,
                    "paid_on": DATE,
                    "payee": text | {"maxLength": 200},
                    "purpose": text | {"maxLength": 300},
                    "amount": AMOUNT_INPUT,
                },
                "required": list(RECEIPT_FIELDS),
                "additionalProperties": False,
            }
        ),
        "funds": array(
            {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": list(FUNDS_KINDS)},
                    "description": text | {"maxLength": 300},
                    "amount": AMOUNT_INPUT,
                },
                "required": list(FUNDS_FIELDS),
                "additionalProperties": False,
            }
        ),
    }
