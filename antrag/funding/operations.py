"""Changes to call-offs and proofs of use made by a user; they flush and never commit."""

import logging
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import update

from .. import engine
from ..engine.definitions import Mail
from ..engine.errors import InvalidInput, WrongState
from ..extensions import db
from ..formats import format_money
from ..mail import outbox
from .call_off_rules import call_off_block
from .models import CallOff, ExpenditureLine, FundingNotice, ProofOfUse
from .rules import called_off
from .storage import store_proof_pdf

logger = logging.getLogger(__name__)
REQUESTED_MAIL = Mail(to="reviewers", template="call_off_requested")


def lock_notice(notice: FundingNotice) -> None:
    """Lock the notice row until commit, so that concurrent call-offs queue up.

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite alike
    (SQLite ignores SELECT … FOR UPDATE).
    """
    db.session.execute(
        update(FundingNotice)
        .where(FundingNotice.id == notice.id)
        .values(id=FundingNotice.id)
        .execution_options(synchronize_session=False)
    )


def left_of(notice: FundingNotice) -> Decimal:
    """Return what is left of the notice to call off (less a signed reduction not yet in effect)."""
    from ..amendments.applying import pending_ceiling

    return pending_ceiling(notice) - called_off(notice)


def request_call_off(user, notice: FundingNotice, amount: Decimal, note: str | None) -> CallOff:
    """Start a call-off of `amount` against the final notice; never more than is left.

    The call-off names the city's bank account as it is now (IBAN, BIC, holder); the notice
    row is locked before its state is read, so that a proof of use submitted concurrently
    either freezes this call-off or refuses it (see `freeze_pending_call_offs`).
    """
    from ..payments.bank import account_of

    lock_notice(notice)
    reason = call_off_block(notice)
    if reason is not None:
        raise WrongState(reason)
    account = account_of(notice.municipality)
    if account is None:
        raise WrongState(
            _(
                "Für %(city)s ist keine gültige Bankverbindung (IBAN und Kontoinhaber) "
                "hinterlegt. Bitte wenden Sie sich an das Ministerium, damit sie in den "
                "Stammdaten der Kommune eingetragen wird; erst dann können Mittel abgerufen "
                "werden.",
                city=notice.municipality.name,
            )
        )
    left = left_of(notice)
    if amount <= 0:
        raise InvalidInput(
            _("Bitte prüfen Sie Ihre Eingaben."),
            errors={"amount": _("Der Betrag muss größer als 0 sein.")},
        )
    if amount > left:
        raise InvalidInput(
            _("Bitte prüfen Sie Ihre Eingaben."),
            errors={
                "amount": _(
                    "Vom Bescheid sind nur noch %(amount)s übrig.", amount=format_money(left)
                )
            },
        )
    call_off = CallOff(
        notice=notice,
        amount=amount,
        note=note or None,
        requested_by_id=user.id,
        payee_iban=account.iban,
        payee_bic=account.bic,
        account_holder=account.holder,
    )
    case = engine.start("call_off", call_off, user)
    outbox.enqueue(case, call_off, REQUESTED_MAIL)
    logger.info("Call-off %s of %s requested by %s", call_off.id, amount, user.id)
    return call_off


def save_proof(user, proof: ProofOfUse, version: int, report: str, spent: dict) -> None:
    """Save the report and the expenditure per project (`spent`: project id → Decimal)."""
    engine.touch(proof.case, version)
    proof.report = report.strip() or None
    lines = {line.project_id: line for line in proof.lines}
    for project_id, amount in spent.items():
        if amount is None:
            if project_id in lines:
                proof.lines.remove(lines[project_id])
        elif project_id in lines:
            line = lines[project_id]
            if line.spent != amount:  # the reviewer's verdict was on the old amount
                line.recognised, line.not_recognised_reason = None, None
            line.spent = amount
        else:
            proof.lines.append(ExpenditureLine(project_id=project_id, spent=amount))
    db.session.flush()
    logger.info("Proof of use %s saved by %s", proof.id, user.id)


def attach_to_proof(user, proof: ProofOfUse, version: int, data: bytes, name: str):
    """Store a PDF document with the proof of use (UploadRefused says why not)."""
    engine.touch(proof.case, version)
    return store_proof_pdf(proof, data, name, user)
