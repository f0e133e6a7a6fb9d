"""`flask outbox`: deliver the outbox, list its messages, put a failed one back in the queue."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..formats import format_datetime
from . import relay
from .models import STATUSES, OutboxMessage

outbox_cli = AppGroup("outbox", help="Deliver and inspect the outbox of e-mails.")


@outbox_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
def send(limit):
    """Deliver the due messages (safe to run from cron, also twice at once)."""
    report = relay.send_due(limit)
    click.echo(
        f"{len(report.sent)} sent, {len(report.retrying)} to retry later, "
        f"{len(report.failed)} failed, {len(report.skipped)} taken by another relay."
    )


@outbox_cli.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only messages with this status.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def list_messages(status, limit):
    """Print the newest messages: id, status, attempts, time, recipient, subject, error."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    messages = db.session.scalars(query).all()
    if not messages:
        click.echo("No messages.")
    for m in messages:
        when = format_datetime(m.sent_at if m.status == "sent" else m.next_attempt_at)
        click.echo(
            f"{m.id}\t{m.status}\t{m.attempts}\t{when}\t{m.recipient}\t{m.subject}"
            + (f"\t{m.last_error}" if m.last_error else "")
        )


@outbox_cli.command("retry")
@click.argument("message_id", type=int)
def retry(message_id):
    """Put a failed message back in the queue; the next `outbox send` tries it."""
    try:
        relay.retry(message_id)
    except relay.OutboxError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Message {message_id} is pending again.")
