"""The proof of use's declared items and the ministry's review in the JSON API (read-only).

The receipts list, the declared income and third-party funds, the recognised expenditure
per project with the reasons for what was not recognised, and the figures the proposal of
the acceptance fixed (recognised total, entitled grant). Clients read them; the review is
recorded on the web page of the ministry (`/bescheide/nachweise/<id>/pruefung`).
"""

from .openapi_schemas import AMOUNT, BOOL, DATE, ID, TEXT, array, closed, nullable


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def review_fields(found) -> dict:
    """Return the review fields of a proof of use (amounts as strings, dates ISO)."""
    return {
        "review": [
            {
                "project_id": line.project_id,
                "spent": _money(line.spent),
                "recognised": _money(line.recognised),
                "not_recognised_reason": line.not_recognised_reason,
            }
            for line in found.lines
        ],
        "receipts": [
            {
                "id": r.id,
                "project_id": r.project_id,
                "paid_on": r.paid_on.isoformat(),
                "payee": r.payee,
                "purpose": r.purpose,
                "amount": _money(r.amount),
                "not_recognised": r.not_recognised,
                "not_recognised_reason": r.not_recognised_reason,
            }
            for r in found.receipts
        ],
        "funds": [
            {"id": f.id, "kind": f.kind, "description": f.description, "amount": _money(f.amount)}
            for f in found.funds
        ],
        "recognised_total": _money(found.recognised_total),
        "entitled_amount": _money(found.entitled_amount),
    }


REVIEW_PROPERTIES = {
    "review": array(
        closed(
            {
                "project_id": ID,
                "spent": AMOUNT,
                "recognised": nullable(AMOUNT),
                "not_recognised_reason": nullable(TEXT),
            }
        )
    ),
    "receipts": array(
        closed(
            {
                "id": ID,
                "project_id": ID,
                "paid_on": DATE,
                "payee": TEXT,
                "purpose": TEXT,
                "amount": AMOUNT,
                "not_recognised": BOOL,
                "not_recognised_reason": nullable(TEXT),
            }
        )
    ),
    "funds": array(
        closed(
            {
                "id": ID,
                "kind": {"type": "string", "enum": ["income", "third_party"]},
                "description": TEXT,
                "amount": AMOUNT,
            }
        )
    ),
    "recognised_total": nullable(AMOUNT),
    "entitled_amount": nullable(AMOUNT),
}
