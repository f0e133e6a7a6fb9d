"""Telling the account holder that an already used second-factor code came again.

OWASP ASVS 4.0.3 V2.8.5 (chapter V2 Authentication, `4.0/en/0x11-V2-Authentication.md` in
github.com/OWASP/ASVS, tag v4.0.3; NIST SP 800-63B § 5.1.5.2): "Verify that if a time-based
multi-factor OTP token is re-used during the validity period, it is logged and rejected with
secure notifications being sent to the holder of the device."
Rejected and logged: `totp.check_code` (reason "replayed", security log). Notified: here,
by mail through the outbox, once per time step of the replayed code and not per attempt, so
that someone trying the code again and again fills no mailbox. A guarded UPDATE of
`replay_notified_step` decides it, so parallel replays on several workers queue one mail.
The mail names when it happened, never the code.
"""

from flask import has_request_context, request
from sqlalchemy import update

from ..db_types import utcnow
from ..extensions import db
from ..mail.outbox import absolute_url, enqueue_to_address
from ..security import security_event
from .factor_models import TotpCredential
from .models import User

MAIL_TEMPLATE = "second_factor_replayed"


def notify_replay(user: User, credential_id: int, step: int) -> bool:
    """Queue the holder's mail about a replayed code of `step`, unless one went for it.

    Returns whether a mail was queued. Never commits (the request does).
    """
    result = db.session.execute(
        update(TotpCredential)
        .where(TotpCredential.id == credential_id, TotpCredential.replay_notified_step < step)
        .values(replay_notified_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    enqueue_to_address(
        MAIL_TEMPLATE,
        user.email,
        user.name,
        user=user,
        at=utcnow(),
        settings_url=absolute_url("second_factor_settings.settings"),
    )
    security_event(
        "second_factor_replay_notified",
        user=user,
        method="totp",
        ip=request.remote_addr if has_request_context() else None,
    )
    return True
