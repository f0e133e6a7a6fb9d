"""Command-line commands bound to the app (`flask --app wsgi …`)."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .audit.actor import actor_option

audit_cli = actor_option(
    AppGroup("audit", help="Check the integrity of the history and the records.")
)


@audit_cli.command("verify")
def verify():
    """Verify the history, the rules, the case data, the documents and the records.

    Exit 1 naming every finding: the first broken history entry or record; each workflow
    version whose entries ran under a fingerprint its published record no longer has; each
    case whose data no longer matches its latest history entry (fields: recorded → now);
    each missing or changed document; each administrative object (round, account,
    municipality, …) whose row no longer matches the administration record; each round
    whose budget ledger does not reconcile.
    """
    from .audit.verify import run

    verdict = run()
    for line in verdict.lines:
        click.echo(line)
    for problem in verdict.problems:
        click.echo(problem, err=True)
    if not verdict.ok:
        sys.exit(1)


@audit_cli.command("baseline")
def baseline():
    """Record every round, account, municipality, … the administration record lacks, as found.

    For a database older than the record (migration 0021): `audit verify` names such objects
    until they are recorded. Run it once, on data known to be right, with `--actor`.
    """
    from .audit.admin_data import baseline as record_baseline
    from .extensions import db

    count = record_baseline()
    db.session.commit()
    click.echo(f"{count} object(s) recorded as found." if count else "nothing to record.")


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


search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("rebuild")
def search_rebuild_command():
    """Rewrite every search document (after a bulk load or the upgrade to revision 0029)."""
    from .extensions import db
    from .search.indexing import rebuild

    count = rebuild(db.session)
    db.session.commit()
    click.echo(f"{count} search documents written.")


@click.command("tick")
def tick_command():
    """Fire due time-outs and write due-date reminders (idempotent; run it from cron)."""
    from .clock import now
    from .engine.timer import tick
    from .inbox.digest import send_digests

    report = tick()
    click.echo(
        f"{len(report.fired)} time-out(s) fired, {len(report.reminded)} reminder(s) written, "
        f"{len(report.refused)} refused."
    )
    click.echo(f"{send_digests(now())} daily digest(s) queued.")
    click.echo(_seal())


def init_app(app: Flask) -> None:
    """Register the command groups of every feature."""
    from .accounts.cli import users_cli
    from .demo import demo_cli
    from .deploy import check_deploy_command
    from .mail.cli import outbox_cli
    from .programme import cli_edit  # noqa: F401 - registers `rounds edit`, `programme`
    from .programme.cli import municipalities_cli, rounds_cli

    for group in (
        audit_cli,
        search_cli,
        users_cli,
        municipalities_cli,
        rounds_cli,
        demo_cli,
        tick_command,
    ):
        app.cli.add_command(group)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(check_deploy_command)
