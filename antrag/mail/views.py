"""The admin's outbox (Postausgang): counts, the newest messages, each one readable, and
trying failed ones again. "Versendet" is said only of a message the relay delivered."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..admin.blueprint import bp
from ..auth import role_required
from ..extensions import db
from . import relay
from .models import STATUSES, OutboxMessage

RECENT = 50  # the newest messages listed on the outbox page
STATUS_LABELS = {"pending": _l("Wartend"), "sent": _l("Versendet"), "failed": _l("Fehlgeschlagen")}


@bp.route("/postausgang")
@role_required("admin")
def outbox():
    """Show how many messages wait, went out or failed, and the failed ones in detail."""
    found = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    counts = [(STATUS_LABELS[s], found.get(s, 0)) for s in STATUSES]
    failed = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id.desc())
        .limit(100)
    ).all()
    newest = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(RECENT)
    ).all()
    return render_template(
        "admin/outbox.html",
        counts=counts,
        failed=failed,
        failed_total=found.get("failed", 0),
        newest=newest,
        labels=STATUS_LABELS,
    )


@bp.route("/postausgang/<int:message_id>")
@role_required("admin")
def outbox_message(message_id: int):
    """Show one message as written: recipient, subject, body, status and its delivery."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message, labels=STATUS_LABELS)


@bp.route("/postausgang/<int:message_id>/erneut", methods=["POST"])
@role_required("admin")
def outbox_retry(message_id: int):
    """Put a failed message back in the queue (the app checks the CSRF token of every POST)."""
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    try:
        message = relay.retry(message_id, actor=current_user.email)
    except relay.OutboxError as exc:
        flash(str(exc), "info")
        return redirect(url_for("admin.outbox"))
    db.session.commit()
    flash(
        _(
            "Die Nachricht an %(recipient)s wird beim nächsten Versand erneut zugestellt.",
            recipient=message.recipient,
        ),
        "success",
    )
    return redirect(url_for("admin.outbox"))
