"""Move the cases of one workflow version to another (`flask workflows migrate`).

A published version never changes; a new one is published beside it, and new cases start on
it. Running cases stay on their version until they are moved here: every state of theirs
must have a counterpart in the new version (the same name, or one given with `--map`),
otherwise nothing moves. Each moved case gets a history entry (trigger `migrate`, the actor,
old and new version and state, under the new version's fingerprint), a new version counter
(open forms become stale) and its due date recomputed by the new version's rules.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from . import history, records
from .calendar import due_at
from .models import Case, HistoryEntry
from .spec import WorkflowDefinition
from .workflows import workflows

logger = logging.getLogger(__name__)
TRIGGER = "migrate"


class MigrationActor:
    """The actor of a move started from the command line without a named account."""

    id = None
    role = "system"
    display_name = "System (Versionswechsel)"


@dataclass(frozen=True)
class Move:
    """One case to move: its state before and after, its due date before and after."""

    case_id: int
    version: int
    from_state: str
    to_state: str
    due_before: datetime | None
    due_after: datetime | None


@dataclass
class Plan:
    """What a migration would do, or the reasons it cannot."""

    name: str
    from_version: int
    to_version: int
    moves: list[Move] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def plan(name: str, from_version: int, to_version: int, mapping: dict[str, str]) -> Plan:
    """Work out the moves of every case on `name` v`from_version`; note what blocks them."""
    result = Plan(name, from_version, to_version)
    loaded = {(d.name, d.version): d for d in workflows().all()}
    target = loaded.get((name, to_version))
    source = loaded.get((name, from_version))
    if from_version == to_version:
        result.problems.append(f"--from and --to are both {from_version}")
    if target is None:
        result.problems.append(f"workflow {name} version {to_version} is not loaded")
    if result.problems:
        return result
    for old, new in sorted(mapping.items()):
        if source is not None and old not in source.states:
            result.problems.append(
                f"--map {old}={new}: {name} v{from_version} has no state '{old}'"
            )
        if new not in target.states:
            result.problems.append(f"--map {old}={new}: {name} v{to_version} has no state '{new}'")
    cases = db.session.scalars(
        select(Case)
        .where(Case.workflow == name, Case.workflow_version == from_version)
        .order_by(Case.id)
    ).all()
    unmapped: dict[str, int] = {}
    for case in cases:
        new_state = mapping.get(case.state, case.state)
        if new_state not in target.states:
            unmapped[case.state] = unmapped.get(case.state, 0) + 1
            continue
        due = _recomputed_due(case, target, new_state)
        result.moves.append(Move(case.id, case.version, case.state, new_state, case.due_at, due))
    for state, count in sorted(unmapped.items()):
        result.problems.append(
            f"state '{state}' ({count} case(s)) does not exist in {name} v{to_version}: "
            f"name its counterpart with --map {state}=NEW"
        )
    return result


def _recomputed_due(case: Case, target: WorkflowDefinition, new_state: str) -> datetime | None:
    """Return the due date the new version gives the transition that entered the case's state.

    If the new version has that transition (same trigger, same destination), its `due` rule
    is applied from the time the case entered the state (no due: no due date). Otherwise,
    or for due dates set by an effect, the case keeps its due date.
    """
    entered = db.session.execute(
        select(HistoryEntry.trigger, HistoryEntry.created_at)
        .where(
            HistoryEntry.case_id == case.id,
            HistoryEntry.to_state == case.state,
            HistoryEntry.trigger != TRIGGER,
        )
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    ).first()
    transition = target.transition(entered.trigger) if entered else None
    if transition is None or transition.dest != new_state:
        return case.due_at
    if transition.due is None:
        return None
    shift = current_app.config.get("SERVICE_FICTION_SHIFTS_TO_WORKING_DAY", False)
    return due_at(entered.created_at, transition.due.amount, transition.due.unit, shift)


def apply(result: Plan, actor) -> int:
    """Carry out the moves of a plan without problems; return how many cases moved.

    Runs in the caller's transaction and never commits. A case that changed since the plan
    was made stops the whole move (RuntimeError): plan again.
    """
    if result.problems:
        raise ValueError("a plan with problems cannot be applied")
    target = workflows().get(result.name, result.to_version)
    records.record(target)
    for move in result.moves:
        now = utcnow()
        values = {
            "workflow_version": result.to_version,
            "state": move.to_state,
            "version": move.version + 1,
            "updated_at": now,
            "due_at": move.due_after,
        }
        changed = db.session.execute(
            update(Case)
            .where(
                Case.id == move.case_id,
                Case.version == move.version,
                Case.workflow_version == result.from_version,
                Case.state == move.from_state,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise RuntimeError(f"case {move.case_id} changed meanwhile; run the migration again")
        history.append(
            HistoryEntry(
                case_id=move.case_id,
                workflow=result.name,
                workflow_version=result.to_version,
                trigger=TRIGGER,
                from_state=move.from_state,
                to_state=move.to_state,
                actor_id=actor.id,
                actor_name=actor.display_name,
                actor_role=actor.role,
                comment=None,
                inputs=history.canonical_inputs(
                    {"from_version": result.from_version, "to_version": result.to_version}
                ),
                created_at=now,
                definition_fingerprint=target.fingerprint,
            )
        )
    db.session.flush()
    db.session.expire_all()
    logger.info(
        "Workflow %s: %s case(s) moved from v%s to v%s by %s",
        result.name,
        len(result.moves),
        result.from_version,
        result.to_version,
        actor.display_name,
    )
    return len(result.moves)
