"""`flask workflows check|show|migrate`: usable even when a broken definition stops the app.

Registered as a Flask CLI plugin (see pyproject.toml), so it runs without create_app():
`check` reads the database with SQLAlchemy alone, and the app skips its own start-up check
of published versions for these commands (see `engine/records.py`), so that `migrate` can
move cases off a version whose file is gone.
"""

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from config import BASE_DIR, Config, _normalise_db_url

from . import features
from .engine import records
from .engine.definitions import DefinitionError, WorkflowDefinition, load_directory


def _directory(given: str | None) -> Path:
    return Path(given or os.environ.get("WORKFLOWS_DIR") or Config.WORKFLOWS_DIR)


@click.group("workflows")
def workflows_cli():
    """Validate and describe the workflow definitions."""


@workflows_cli.command("check")
@click.option("--dir", "directory", help="Folder with the workflow definitions.")
@click.option(
    "--database",
    help="Database URL whose published versions and cases to check against "
    "(default: DATABASE_URL, else instance/antrag.db if it exists).",
)
@click.option("--no-database", is_flag=True, help="Check the files only.")
def check(directory, database, no_database):
    """Validate every definition and compare it with the database; exit 1 if one is refused."""
    features.load()
    path = _directory(directory)
    try:
        definitions = load_directory(path)
    except DefinitionError as exc:
        _fail(exc.problems)
    url = None if no_database else _database_url(database)
    state = None
    if url is not None:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                state = records.read_state(connection)
        except SQLAlchemyError as exc:
            _fail([f"database: cannot read the published versions: {exc.__class__.__name__}"])
        finally:
            engine.dispose()
        if state is not None:
            problems = records.compare(definitions, state)
            if problems:
                _fail(problems)
    for d in definitions:
        published = state is not None and (d.name, d.version) in state.published
        click.echo(
            f"ok  {d.path}  {d.name} v{d.version}: {len(d.states)} states, "
            f"{len(d.transitions)} transitions, fingerprint {d.fingerprint[:12]}"
            + (" (published)" if published else "")
        )
    if url is None or state is None:
        click.echo("Published versions not checked: no migrated database given.")


def _fail(problems: list[str]):
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(problems)} problem(s) found.", err=True)
    sys.exit(1)


def _database_url(given: str | None) -> str | None:
    """Return the database to check: the option, DATABASE_URL, or the development file."""
    if given or os.environ.get("DATABASE_URL"):
        return _normalise_db_url(given or os.environ["DATABASE_URL"])
    default = BASE_DIR / "instance" / "antrag.db"
    return f"sqlite:///{default}" if default.exists() else None


@workflows_cli.command("migrate")
@click.argument("name")
@click.option("--from", "from_version", type=int, required=True, help="The version cases run on.")
@click.option("--to", "to_version", type=int, required=True, help="The version to move them to.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="A state of the old version and its counterpart in the new one (repeatable).",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen and change nothing.")
@click.option("--actor", "actor_email", help="The account (admin) recorded as the actor.")
@with_appcontext
def migrate(name, from_version, to_version, maps, dry_run, actor_email):
    """Move the cases of workflow NAME from one version to another, with a history entry each."""
    from .engine import migration
    from .extensions import db

    mapping = {}
    for item in maps:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise click.BadParameter(f"{item!r} is not OLD=NEW", param_hint="--map")
        mapping[old.strip()] = new.strip()
    actor = _actor(actor_email)
    result = migration.plan(name, from_version, to_version, mapping)
    if result.problems:
        _fail(result.problems)
    verb = "would move" if dry_run else "moves"
    for move in result.moves:
        due = ""
        if move.due_before != move.due_after:
            due = f"  due {_when(move.due_before)} -> {_when(move.due_after)}"
        click.echo(f"case {move.case_id}: {move.from_state} -> {move.to_state}{due}")
    click.echo(
        f"{name}: {verb} {len(result.moves)} case(s) from v{from_version} to v{to_version}"
        f" as {actor.display_name}."
    )
    if dry_run:
        db.session.rollback()
        return
    migration.apply(result, actor)
    db.session.commit()


def _actor(email: str | None):
    from .accounts.models import User
    from .engine.migration import MigrationActor
    from .extensions import db

    if not email:
        return MigrationActor()
    user = db.session.scalar(db.select(User).filter_by(email=email.strip().lower()))
    if user is None or user.role != "admin":
        raise click.BadParameter(f"no admin account {email!r}", param_hint="--actor")
    return user


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "(none)"


@workflows_cli.command("show")
@click.argument("name")
@click.option("--dir", "directory", help="Folder with the *.yaml definitions.")
@click.option("--version", "version", type=int, help="The version to show (default: newest).")
def show(name, directory, version):
    """Print states, transitions, roles, guards and a Mermaid diagram of workflow NAME."""
    features.load()
    try:
        definitions = load_directory(_directory(directory))
    except DefinitionError as exc:
        click.echo("\n".join(exc.problems), err=True)
        sys.exit(1)
    matching = sorted((d for d in definitions if d.name == name), key=lambda d: d.version)
    if not matching:
        click.echo(
            f"No workflow named {name!r}. Known: {', '.join(sorted({d.name for d in definitions}))}",
            err=True,
        )
        sys.exit(1)
    if version is not None:
        matching = [d for d in matching if d.version == version]
        if not matching:
            click.echo(f"No version {version} of {name!r}.", err=True)
            sys.exit(1)
    click.echo(describe(matching[-1]))


def describe(d: WorkflowDefinition) -> str:
    """Return a plain-text description of a definition followed by its Mermaid diagram."""
    lines = [
        f"{d.label} ({d.name}, version {d.version}, subject: {d.subject})",
        f"Fingerprint: {d.fingerprint}",
        "",
        "States:",
    ]
    for state in d.state_order():
        s = d.states[state]
        flags = " [final]" if s.final else (f" [next: {s.actor}]" if s.actor else "")
        initial = " [initial]" if state == d.initial else ""
        lines.append(f"  {s.name:<22} {s.label}{initial}{flags}")
    lines += ["", "Transitions:"]
    for t in d.transitions:
        lines.append(f"  {t.trigger}: {', '.join(t.sources)} -> {t.dest}  ({t.label})")
        lines.append(f"      roles: {', '.join(t.roles)}")
        if t.guards:
            lines.append(f"      guards: {', '.join(t.guards)}")
        if t.effects:
            lines.append(f"      effects: {', '.join(t.effects)}")
        if t.decision:
            lines.append(f"      decision: {t.decision} (four eyes)")
        if t.comment == "required":
            lines.append(f"      requires: {t.comment_label}")
        if t.due:
            lines.append(f"      due: {t.due.amount} {t.due.unit}")
    lines += ["", mermaid(d)]
    return "\n".join(lines)


def mermaid(d: WorkflowDefinition) -> str:
    """Return the workflow as a Mermaid `stateDiagram-v2`."""
    lines = ["stateDiagram-v2", f"    [*] --> {d.initial}"]
    for state in d.state_order():
        lines.append(f"    {state} : {d.states[state].label}")
    for t in d.transitions:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest} : {t.trigger}")
    for s in d.states.values():
        if s.final:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines)
