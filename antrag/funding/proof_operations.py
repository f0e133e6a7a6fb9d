"""Changes to the receipts list, the declared funds and the review of a proof of use.

Like every operation they take the acting user, check the case's version (a stale form is
refused), flush and never commit. Who may call them is checked by the views
(`ProofOfUse.can_edit` for the city, `ProofOfUse.can_review` for the ministry).
"""

import logging
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from .. import engine
from ..engine.errors import InvalidInput
from ..extensions import db
from ..formats import format_money
from .models import ProofOfUse
from .proof_models import FUNDS_KINDS, ProofFunds, ProofReceipt

logger = logging.getLogger(__name__)


def _refuse(errors: dict) -> None:
    raise InvalidInput(_("Bitte prüfen Sie Ihre Eingaben."), errors=errors)


def add_receipt(
    user,
    proof: ProofOfUse,
    version: int,
    *,
    project_id: int,
    paid_on: date,
    payee: str,
    purpose: str,
    amount: Decimal,
) -> ProofReceipt:
    """Add a row to the receipts list of one of the application's projects."""
    if project_id not in {p.id for p in proof.notice.application.projects}:
        _refuse({"project": _("Bitte wählen Sie ein Projekt dieses Antrags.")})
    if amount is None or amount <= 0:
        _refuse({"amount": _("Der Betrag muss größer als 0 sein.")})
    engine.touch(proof.case, version)
    receipt = ProofReceipt(
        project_id=project_id,
        paid_on=paid_on,
        payee=payee.strip(),
        purpose=purpose.strip(),
        amount=amount,
    )
    proof.receipts.append(receipt)
    db.session.flush()
    logger.info("Receipt %s of %s added to proof %s by %s", receipt.id, amount, proof.id, user.id)
    return receipt


def remove_receipt(user, proof: ProofOfUse, version: int, receipt: ProofReceipt) -> None:
    """Remove a row from the receipts list."""
    engine.touch(proof.case, version)
    proof.receipts.remove(receipt)
    db.session.flush()
    logger.info("Receipt %s removed from proof %s by %s", receipt.id, proof.id, user.id)


def add_funds(
    user, proof: ProofOfUse, version: int, *, kind: str, description: str, amount: Decimal
) -> ProofFunds:
    """Declare income or third-party funds received for the purpose."""
    if kind not in FUNDS_KINDS:
        _refuse({"kind": _("Bitte wählen Sie Einnahmen oder Mittel Dritter.")})
    if amount is None or amount <= 0:
        _refuse({"amount": _("Der Betrag muss größer als 0 sein.")})
    engine.touch(proof.case, version)
    funds = ProofFunds(kind=kind, description=description.strip(), amount=amount)
    proof.funds.append(funds)
    db.session.flush()
    logger.info("Funds %s (%s) declared on proof %s by %s", funds.id, kind, proof.id, user.id)
    return funds


def remove_funds(user, proof: ProofOfUse, version: int, funds: ProofFunds) -> None:
    """Remove declared income or third-party funds."""
    engine.touch(proof.case, version)
    proof.funds.remove(funds)
    db.session.flush()
    logger.info("Funds %s removed from proof %s by %s", funds.id, proof.id, user.id)


def save_review(user, proof: ProofOfUse, version: int, lines: dict, receipts: dict) -> None:
    """Record the reviewer's verdict item by item; raise InvalidInput naming each bad field.

    `lines`: project id → (recognised amount or None, reason); `receipts`: receipt id →
    (not recognised?, reason). An amount not recognised, and a receipt not recognised, need
    a reason; the recognised amount is at most what the city spent.
    """
    errors = {}
    by_project = {line.project_id: line for line in proof.lines}
    for project_id, (recognised, reason) in lines.items():
        line = by_project.get(project_id)
        if line is None or recognised is None:
            continue
        if recognised > line.spent:
            errors[f"recognised_{project_id}"] = _(
                "Anerkannt werden können höchstens die angegebenen Ausgaben (%(spent)s).",
                spent=format_money(line.spent),
            )
        elif recognised < line.spent and not (reason or "").strip():
            errors[f"reason_{project_id}"] = _(
                "Bitte begründen Sie, warum %(amount)s nicht anerkannt werden.",
                amount=format_money(line.spent - recognised),
            )
    for receipt in proof.receipts:
        refused, reason = receipts.get(receipt.id, (False, None))
        if refused and not (reason or "").strip():
            errors[f"receipt_reason_{receipt.id}"] = _(
                "Bitte begründen Sie, warum der Beleg nicht anerkannt wird."
            )
    if errors:
        _refuse(errors)
    engine.touch(proof.case, version)
    for project_id, (recognised, reason) in lines.items():
        line = by_project.get(project_id)
        if line is None:
            continue
        line.recognised = recognised
        line.not_recognised_reason = (
            (reason or "").strip() or None
            if recognised is not None and recognised < line.spent
            else None
        )
    for receipt in proof.receipts:
        refused, reason = receipts.get(receipt.id, (False, None))
        receipt.not_recognised = bool(refused)
        receipt.not_recognised_reason = (reason or "").strip() or None if refused else None
    db.session.flush()
    logger.info("Proof of use %s reviewed by %s", proof.id, user.id)


def replace_declarations(proof: ProofOfUse, receipts: list | None, funds: list | None) -> None:
    """Replace the receipts list and/or the declared funds as a whole (None: keep them).

    Called after `save_proof`, which checked and bumped the case's version in this request.
    """
    if receipts is not None:
        proof.receipts.clear()
        proof.receipts.extend(ProofReceipt(**row) for row in receipts)
    if funds is not None:
        proof.funds.clear()
        proof.funds.extend(ProofFunds(**row) for row in funds)
    db.session.flush()
