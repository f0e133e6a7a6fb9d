"""Command-line commands bound to the app (`flask --app wsgi …`)."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .engine import history

audit_cli = AppGroup("audit", help="Check the integrity of the history.")


@audit_cli.command("verify")
def verify():
    """Verify the hash chain of the history; exit 1 naming the first broken entry."""
    checked, broken = history.verify()
    if broken is not None:
        where = f"entry #{broken.seq}" + (f" (id {broken.entry_id})" if broken.entry_id else "")
        click.echo(
            f"BROKEN at {where}: {broken.reason}. {checked} entries before it verified.", err=True
        )
        sys.exit(1)
    click.echo(f"ok: {checked} history entries verified.")


@audit_cli.command("seal")
def seal():
    """Seal the history entries written since the last checkpoint (`flask tick` does it too)."""
    click.echo(_seal())


def _seal() -> str:
    from .engine.checkpoints import seal as seal_entries
    from .extensions import db

    checkpoint = seal_entries()
    db.session.commit()
    if checkpoint is None:
        return "no new history entries to seal."
    return (
        f"checkpoint {checkpoint.id}: {checkpoint.entries} entries sealed "
        f"(up to #{checkpoint.last_seq})."
    )


@click.command("tick")
def tick_command():
    """Fire due time-outs and write due-date reminders (idempotent; run it from cron)."""
    from .engine.timer import tick

    report = tick()
    click.echo(
        f"{len(report.fired)} time-out(s) fired, {len(report.reminded)} reminder(s) written, "
        f"{len(report.refused)} refused."
    )
    click.echo(_seal())


def init_app(app: Flask) -> None:
    """Register the command groups of every feature."""
    from .accounts.cli import users_cli
    from .demo import demo_cli
    from .deploy import check_deploy_command
    from .mail.cli import outbox_cli
    from .programme.cli import municipalities_cli, rounds_cli

    for group in (audit_cli, users_cli, municipalities_cli, rounds_cli, demo_cli, tick_command):
        app.cli.add_command(group)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(check_deploy_command)
