"""Resetting a lost second factor: one admin requests, a second admin confirms.

Nobody resets their own factor, and the admin who requested cannot confirm (four eyes:
the ministry's policy for changes of rights, as for money in antrag/engine/policy.py; BSI
IT-Grundschutz ORP.4.A11 asks for a secure procedure to reset credentials, ORP.4.A10 for
protecting accounts with far-reaching rights; OWASP ASVS 4.0.3 V2.8.6: revoking a lost
OTP generator takes effect at once in every session). The database holds the rule too (CHECK constraints on
`second_factor_reset`). Both steps land in the administration record (the table is
watched, antrag/audit/record.py) and in the security log. Confirming removes every
method's credentials (`Method.remove`) and ends the account's sessions; the account then
logs in with its password and is led to the enrolment.
"""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..security import security_event
from .factor_models import SecondFactorReset
from .models import User
from .second_factor import METHODS
from .sessions import end_sessions_of

logger = logging.getLogger(__name__)
REASON_MAX = 500


class ResetRefused(Exception):
    """A reset step is not allowed; the message says why in German."""


def open_reset(user: User, *, lock: bool = False) -> SecondFactorReset | None:
    """Return the open reset request for `user`, or None.

    With `lock`, the row is locked until the transaction ends (PostgreSQL; SQLite's write
    requests hold the database lock already): of two admins confirming or cancelling at
    once, the second waits and then finds the request closed.
    """
    query = select(SecondFactorReset).where(
        SecondFactorReset.user_id == user.id, SecondFactorReset.open_marker == 1
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def request_reset(actor: User, user: User, reason: str) -> SecondFactorReset:
    """Record `actor`'s request to reset `user`'s second factor."""
    reason = (reason or "").strip()
    if actor.role != "admin":
        raise ResetRefused(_("Nur die Administration kann einen zweiten Faktor zurücksetzen."))
    if actor.id == user.id:
        raise ResetRefused(
            _("Den eigenen zweiten Faktor setzt eine andere Person der Administration zurück.")
        )
    if not reason:
        raise ResetRefused(_("Bitte geben Sie an, wie Sie die Person erkannt haben."))
    waiting = _("Für dieses Konto wartet schon ein Antrag auf Bestätigung.")
    if open_reset(user) is not None:
        raise ResetRefused(waiting)
    reset = SecondFactorReset(
        user_id=user.id,
        reason=reason[:REASON_MAX],
        requested_by_id=actor.id,
        requested_at=utcnow(),
        open_marker=1,
    )
    try:
        with db.session.begin_nested():  # two admins at once: the unique constraint decides
            db.session.add(reset)
    except IntegrityError:
        raise ResetRefused(waiting) from None
    security_event("second_factor_reset", user=actor, obj=user, outcome="requested")
    logger.info("Second-factor reset of user %s requested by %s", user.id, actor.id)
    return reset


def confirm_reset(actor: User, reset: SecondFactorReset) -> int:
    """Confirm `reset` as a second admin: remove the credentials; return how many went."""
    if actor.role != "admin":
        raise ResetRefused(_("Nur die Administration kann einen zweiten Faktor zurücksetzen."))
    if not reset.is_open:
        raise ResetRefused(_("Dieser Antrag ist schon erledigt."))
    if actor.id in (reset.requested_by_id, reset.user_id):
        raise ResetRefused(
            _("Bestätigen muss eine zweite Person der Administration (Vier-Augen-Prinzip).")
        )
    reset.confirmed_by_id, reset.confirmed_at, reset.open_marker = actor.id, utcnow(), None
    user = reset.user
    removed = sum(m.remove(user) for m in METHODS.values() if m.remove is not None)
    end_sessions_of(user, "factor_reset")
    db.session.flush()
    security_event("second_factor_reset", user=actor, obj=user, outcome="confirmed")
    logger.info("Second-factor reset of user %s confirmed by %s", user.id, actor.id)
    return removed


def cancel_reset(actor: User, reset: SecondFactorReset) -> None:
    """Withdraw an open request (either admin may)."""
    if actor.role != "admin" or not reset.is_open:
        raise ResetRefused(_("Dieser Antrag ist schon erledigt."))
    reset.cancelled_at, reset.open_marker = utcnow(), None
    db.session.flush()
    security_event("second_factor_reset", user=actor, obj=reset.user, outcome="cancelled")
