"""Published workflow versions: record their fingerprints and refuse what breaks the record.

A version counts as published the first time it is used: when a case is created on it
(`record`, called by `engine.start`), or when start-up finds cases on it that predate the
record (`adopt`; that is how a database from before migration 0016 gets its records). From
then on, start-up and `flask workflows check` refuse

- a definition whose content changed under that version (naming the file, the version and
  what changed), and
- a missing version that cases still run on (naming the version and how many).

`compare` is pure; `read_state` reads what it needs with SQLAlchemy Core, so that the CLI can
check a database without the app.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..db_types import utcnow
from ..extensions import db
from .definitions import DefinitionError
from .fingerprint import canonical, canonical_json, changes
from .models import Case, WorkflowFingerprint
from .spec import WorkflowDefinition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """What the database knows of one published version."""

    fingerprint: str
    canonical: str
    source: str
    first_used_at: datetime | None


@dataclass(frozen=True)
class DatabaseState:
    """The published versions and the number of cases on each (workflow, version)."""

    published: dict[tuple[str, int], Published]
    cases: dict[tuple[str, int], int]


def read_state(connection) -> DatabaseState | None:
    """Read the published versions and case counts; None if the schema predates them."""
    if not inspect(connection).has_table(WorkflowFingerprint.__tablename__):
        return None
    fp = WorkflowFingerprint.__table__
    published = {
        (row.workflow, row.version): Published(
            row.fingerprint, row.canonical, row.source, row.first_used_at
        )
        for row in connection.execute(
            select(
                fp.c.workflow,
                fp.c.version,
                fp.c.fingerprint,
                fp.c.canonical,
                fp.c.source,
                fp.c.first_used_at,
            )
        )
    }
    ct = Case.__table__
    cases = {
        (row.workflow, row.workflow_version): row.n
        for row in connection.execute(
            select(ct.c.workflow, ct.c.workflow_version, func.count().label("n")).group_by(
                ct.c.workflow, ct.c.workflow_version
            )
        )
    }
    return DatabaseState(published, cases)


def compare(definitions: list[WorkflowDefinition], state: DatabaseState) -> list[str]:
    """Return a problem for every changed published version and every missing used one."""
    problems = []
    loaded = {(d.name, d.version): d for d in definitions}
    for key, d in sorted(loaded.items()):
        published = state.published.get(key)
        if published is None or published.fingerprint == d.fingerprint:
            continue
        what = changes(json.loads(published.canonical), canonical(d))
        since = f" since {published.first_used_at:%Y-%m-%d}" if published.first_used_at else ""
        problems.append(
            f"{d.path}:1: workflow {d.name} version {d.version} is published (in use{since}) "
            f"and its content changed: {'; '.join(what)}. A published version never changes: "
            f"restore the file and publish the change as a new version "
            f"(workflows/{d.name}/v{_next_version(d.name, loaded, state)}.yaml)."
        )
    newest = {}
    for name, version in loaded:
        newest[name] = max(version, newest.get(name, 0))
    for (name, version), count in sorted(state.cases.items()):
        if (name, version) in loaded:
            continue
        source = state.published.get((name, version))
        was = f" (it was {source.source})" if source else ""
        target = f" --to {newest[name]}" if name in newest else ""
        problems.append(
            f"workflows/{name}/v{version}.yaml: workflow {name} version {version} is missing{was}, "
            f"but {count} case(s) run on it. Restore the file, or move the cases first with "
            f"`flask workflows migrate {name} --from {version}{target}`."
        )
    return problems


def _next_version(name: str, loaded: dict, state: DatabaseState) -> int:
    known = [v for (n, v) in list(loaded) + list(state.published) if n == name]
    return max(known, default=0) + 1


def _insert(values: dict):
    """Return an INSERT of a published version that does nothing if it is recorded already."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(WorkflowFingerprint).values(**values).on_conflict_do_nothing()


# Canonical JSON by fingerprint: the fingerprint is the hash of exactly this text, so the
# cache cannot hand out another definition's form; it spares every case start the walk.
_CANONICAL: dict[str, str] = {}


def _canonical(d: WorkflowDefinition) -> str:
    if not d.fingerprint:  # built by hand, not by the loader: nothing to key on
        return canonical_json(d)
    text = _CANONICAL.get(d.fingerprint)
    if text is None:
        text = _CANONICAL[d.fingerprint] = canonical_json(d)
    return text


def _values(d: WorkflowDefinition, now: datetime) -> dict:
    return {
        "workflow": d.name,
        "version": d.version,
        "fingerprint": d.fingerprint,
        "canonical": _canonical(d),
        "source": d.path[:300],
        "first_used_at": now,
    }


def record(definition: WorkflowDefinition) -> None:
    """Record `definition` as published, in the caller's transaction, unless it is already.

    Once a transaction that recorded it has committed, the app knows the version is on
    record and spares later case starts the statement (a record is never removed).
    """
    known = current_app.extensions.setdefault(_RECORDED, set())
    key = (definition.name, definition.version, definition.fingerprint)
    if key in known:
        return
    db.session.execute(_insert(_values(definition, utcnow())))
    db.session().info.setdefault(_RECORDED, []).append((known, key))


_RECORDED = "antrag_recorded_versions"


@event.listens_for(Session, "after_commit")
def _remember_recorded(session):
    for known, key in session.info.pop(_RECORDED, ()):
        known.add(key)


@event.listens_for(Session, "after_soft_rollback")
def _forget_recorded(session, previous_transaction):
    session.info.pop(_RECORDED, None)


def adopt(definitions: list[WorkflowDefinition], state: DatabaseState) -> list[str]:
    """Record the versions that cases run on but that have no record yet; return their keys."""
    now = utcnow()
    adopted = []
    for d in definitions:
        key = (d.name, d.version)
        if key in state.cases and key not in state.published:
            db.session.execute(_insert(_values(d, now)))
            adopted.append(f"{d.name} v{d.version}")
    return adopted


# Commands that must run whatever the workflow files say: the schema migrations, and the
# workflow commands that check definitions or move cases off a version whose file is gone.
UNCHECKED_COMMANDS = ("db", "workflows")


def check_at_startup(app, definitions: list[WorkflowDefinition]) -> None:
    """Refuse to start on definitions that break the record; record used unrecorded versions.

    Skipped where there is nothing to check yet: a database not migrated to 0016 (or an
    SQLite file that does not exist), and the commands in UNCHECKED_COMMANDS. An unreachable
    database is logged and left to the request's own error page.
    """
    context = click.get_current_context(silent=True)
    if context is not None and context.command_path.split()[1:2] in (
        [c] for c in UNCHECKED_COMMANDS
    ):
        return
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    on_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if on_file and not Path(url.database).exists():
        return
    with app.app_context():
        try:
            _check(definitions)
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection of start-up outlives it (workers fork after)


def _check(definitions: list[WorkflowDefinition]) -> None:
    try:
        with db.engine.connect() as connection:
            state = read_state(connection)
    except OperationalError as exc:
        logger.warning("Workflow versions not checked, the database is unreachable: %s", exc)
        return
    if state is None:
        return
    problems = compare(definitions, state)
    if problems:
        raise DefinitionError(problems)
    adopted = adopt(definitions, state)
    if adopted:
        db.session.commit()
        logger.info("Workflow versions recorded as published: %s", ", ".join(adopted))
