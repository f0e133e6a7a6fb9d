"""The one door for state: start a case, fire a transition, list what an actor may do.

`fire` does everything in the caller's database transaction and never commits: load the
case, refuse a stale version, find the transition, check role and object-level access,
check inputs, run the guards through the shared machine, compare-and-set the state,
run the effects, append the history entry (with the subject's snapshot) and write the
declared mails to the outbox.
The request or command commits once.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from transitions import MachineError

from ..audit.snapshot import seal
from ..db_types import utcnow
from ..extensions import db
from ..i18n import label
from ..input_text import text_problem
from ..mail import outbox
from ..read_phase import read_phase
from . import guards, history, inserts, moves, records, rows
from .definitions import TransitionDef, WorkflowDefinition
from .errors import (
    GuardRefused,
    InvalidInput,
    NotAllowed,
    NotVisible,
    StaleVersion,
    UnknownAction,
    WrongState,
)
from .models import Case, HistoryEntry
from .registry import (
    ACTOR_CHECKS,
    CASE_EFFECTS,
    EFFECTS,
    GUARDS,
    SUBJECTS,
)
from .workflows import Token, workflows

logger = logging.getLogger(__name__)
COMMENT_MAX = 5000


class SystemActor:
    """The actor of timer-driven transitions."""

    id = None
    role = "system"
    display_name = "System (Fristenüberwachung)"


SYSTEM = SystemActor()


@dataclass
class TransitionContext:
    """Everything guards and effects may look at while a transition runs."""

    case: Case
    subject: Any
    actor: Any
    definition: WorkflowDefinition
    transition: TransitionDef
    comment: str | None = None
    inputs: dict = field(default_factory=dict)
    now: datetime = field(default_factory=utcnow)
    refused: str | None = None
    entry: HistoryEntry | None = None
    # What effects created, by name, for the effects after them (e.g. the drafted notice).
    made: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """A transition the actor's role may fire from the current state, and whether it may now."""

    trigger: str
    label: str
    allowed: bool
    reason: str | None
    transition: TransitionDef


def subject_of(case: Case, definition: WorkflowDefinition | None = None):
    """Return the subject row (application, notice, …) that `case` belongs to."""
    definition = definition or workflows().get(case.workflow, case.workflow_version)
    model = SUBJECTS[definition.subject]
    return db.session.execute(db.select(model).filter_by(case_id=case.id)).scalar_one()


def start(workflow_name: str, subject, actor, *, comment: str | None = None) -> Case:
    """Create the case of `subject` in the workflow's initial state and record it."""
    definition = workflows().current(workflow_name)
    now = utcnow()
    values = {
        "workflow": definition.name,
        "workflow_version": definition.version,
        "state": definition.initial,
        "version": 1,
        "assignee_id": None,
        "due_at": None,
        "created_at": now,
        "updated_at": now,
        "chain_hash": None,  # the first entry's INSERT moves it (the database's trigger)
    }
    # Ids drawn ahead by the transition that starts the case (PostgreSQL, an effect that
    # names the workflow): every row and hash is known before anything is written, and all
    # are written in one statement at the end. Else one INSERT per row, as they come.
    ids = rows.ids_ahead(subject)
    if ids is None:
        case = rows.insert_case(values)
        rows.insert_subject(subject, case)
    else:
        case = rows.start_ahead(ids, values, subject)
    records.record(definition)  # the version is published from its first case on
    entry = _entry(case, "start", None, definition.initial, actor, comment, {}, now, definition)
    # The case is new in this transaction, seen by no one else: its chain starts here, no
    # lock and no look-up needed (`history.append` does both for a running case).
    history.link(seal(entry, subject), None)
    if ids is None:
        inserts.insert_now(entry)
    else:
        rows.insert_started(case, subject, entry)
    logger.info("Case %s (%s) started by %s", case.id, definition.name, _who(actor))
    return case


def fire(
    case_id: int,
    trigger: str,
    actor,
    *,
    version: int,
    comment: str | None = None,
    inputs: dict | None = None,
    subject=None,
) -> TransitionContext:
    """Fire `trigger` on the case as `actor`; raise an EngineError subclass if refused.

    A caller that has already loaded the case's subject passes it as `subject`, which saves
    loading it again.
    """
    # Everything up to the compare-and-set only reads: on SQLite without the write lock (as on
    # PostgreSQL, where these reads lock nothing either); the compare-and-set re-checks the
    # case's state, version and chain head, and what the guards read of other rows is
    # enforced by the database where it matters (the round slot, the budget).
    with read_phase():
        ctx, case_values, effects = _checked(
            case_id, trigger, actor, version, comment, inputs, subject
        )
    case, subject, transition = ctx.case, ctx.subject, ctx.transition
    from_state = case.state
    if not effects and history.ahead() and _dialect() == "postgresql":
        # Nothing runs between the move and the entry, whose seq the load drew: the move, the
        # entry and its mail go as one statement, the entry only if the case moved.
        _move_and_record(ctx, from_state, version, case_values, actor)
    else:
        # The compare-and-set moves the case (and checks the chain head read with it); from
        # here the case row is ours (PostgreSQL's row lock, SQLite's write lock) until commit.
        moves.compare_and_set(case, from_state, transition, version, ctx.now, case_values)
        ctx.entry = _transition_entry(ctx, from_state, actor)
        for run_effect in effects:
            run_effect(ctx)
        # Sealed and chained after the effects: the entry covers the subject's data as the
        # transition left it (an issued notice's PDF hash, …); entries of cases the effects
        # start come first. It chains to the case's newest entry, whose hash the case row
        # holds; its INSERT moves the case's chain head (the database's trigger).
        history.link(seal(ctx.entry, subject), case.chain_hash)
        guards.note_mover(case, actor.id)
        # The transition's mail is written with its entry (one statement on PostgreSQL).
        inserts.insert_now(ctx.entry, ((outbox.TABLE, _mail(ctx, actor)),))
    db.session.flush()
    logger.info(
        "Case %s: %s (%s -> %s) by %s", case.id, trigger, from_state, transition.dest, _who(actor)
    )
    return ctx


def _checked(case_id, trigger, actor, version, comment, inputs, subject):
    """Load what `fire` needs and run every check and guard; raise if the transition may not run.

    Return the transition's context, the case columns its case effects set, and its other
    effects in order.
    """
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotVisible(_("Der Vorgang wurde nicht gefunden."))
    definition = workflows().get(case.workflow, case.workflow_version)
    if subject is None:
        subject = subject_of(case, definition)
    elif subject.case_id != case.id or not isinstance(subject, SUBJECTS[definition.subject]):
        raise ValueError(f"{subject!r} is not the subject of case {case.id}")
    if actor.role != "system" and not subject.can_view(actor):
        raise NotVisible(_("Der Vorgang wurde nicht gefunden."))
    if version != case.version:
        raise StaleVersion(moves.stale_message())
    transition = definition.transition(trigger)
    event = workflows().machine(case.workflow, case.workflow_version).events.get(trigger)
    if transition is None or event is None:
        raise UnknownAction(
            _("Die Aktion „%(trigger)s“ gibt es in diesem Verfahren nicht.", trigger=trigger)
        )
    if case.state not in transition.sources:
        raise WrongState(
            _(
                "„%(action)s“ ist im Status „%(state)s“ nicht möglich. "
                "Vermutlich hat jemand anderes den Vorgang inzwischen bearbeitet.",
                action=label(transition.label),
                state=label(definition.states[case.state].label),
            )
        )
    if actor.role not in transition.roles:
        raise NotAllowed(
            _("Ihre Rolle darf „%(action)s“ nicht ausführen.", action=label(transition.label))
        )
    clean_comment, clean_inputs = check_inputs(transition, comment, inputs)
    ctx = TransitionContext(
        case, subject, actor, definition, transition, clean_comment, clean_inputs
    )
    try:
        moved = event.trigger(Token(case.state), ctx=ctx)
    except MachineError as exc:  # the sources were checked above; this is a definition bug
        raise WrongState(
            _(
                "„%(action)s“ ist im Status „%(state)s“ nicht möglich.",
                action=label(transition.label),
                state=label(definition.states[case.state].label),
            )
        ) from exc
    if not moved:
        raise GuardRefused(GUARDS[ctx.refused].refusal(ctx), guard=ctx.refused)
    for check_actor in ACTOR_CHECKS:
        check_actor(ctx)
    case_values, effects = {}, []
    for name in transition.effects:
        if name in CASE_EFFECTS:
            case_values |= EFFECTS[name](ctx)
        else:
            effects.append(EFFECTS[name])
    return ctx, case_values, effects


def touch(case: Case, version: int) -> None:
    """Bump the version of `case` for an edit of its subject; refuse if `version` is stale."""
    now = utcnow()
    result = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == version)
        .values(version=version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleVersion(moves.stale_message())
    set_committed_value(case, "version", version + 1)
    set_committed_value(case, "updated_at", now)


def available_actions(case: Case, actor, subject=None) -> list[Action]:
    """Return the actions the actor's role has in the current state, each with its verdict."""
    definition = workflows().get(case.workflow, case.workflow_version)
    subject = subject if subject is not None else subject_of(case, definition)
    role, now = actor.role, utcnow()  # every verdict judges the same moment
    refusals: dict[str, str] = {}  # a guard's fixed message, translated once per call
    actions = []
    for transition in definition.outgoing(case.state):
        if role not in transition.roles:
            continue
        ctx = TransitionContext(case, subject, actor, definition, transition, now=now)
        reason = None
        for name in transition.guards:
            guard = GUARDS[name]
            if not guard.check(ctx):
                reason = refusals.get(name)
                if reason is None:
                    reason = guard.refusal(ctx)
                    if not callable(guard.message):
                        refusals[name] = reason
                break
        actions.append(
            Action(transition.trigger, transition.label, reason is None, reason, transition)
        )
    return actions


def check_inputs(transition: TransitionDef, comment, inputs) -> tuple[str | None, dict]:
    """Validate the comment and declared inputs; raise InvalidInput with field messages.

    Texts follow the rule of `input_text`, checked as typed (before stripping): the comment
    is multi-line text, a text input one-line text.
    """
    errors: dict[str, str] = {}
    problem = text_problem(comment, multiline=True) if isinstance(comment, str) else None
    comment = (comment or "").strip() or None
    if problem:
        errors["comment"] = problem
    elif transition.comment == "required" and not comment:
        errors["comment"] = _(
            "Bitte geben Sie eine %(label)s an.", label=label(transition.comment_label)
        )
    elif transition.comment == "none" and comment:
        errors["comment"] = _("Zu dieser Aktion ist kein Kommentar vorgesehen.")
    elif comment and len(comment) > COMMENT_MAX:
        errors["comment"] = _("Höchstens %(count)s Zeichen.", count=COMMENT_MAX)
    inputs = dict(inputs or {})
    clean = {}
    declared = {i.name: i for i in transition.inputs}
    for name in inputs:
        if name not in declared:
            errors[name] = _("Diese Angabe ist hier nicht vorgesehen.")
    for name, spec in declared.items():
        value = inputs.get(name)
        if value in (None, ""):
            if spec.required:
                errors[name] = _("Bitte geben Sie „%(label)s“ an.", label=label(spec.label))
            continue
        try:
            clean[name] = _coerce(spec.kind, value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidInput(_("Bitte prüfen Sie Ihre Eingaben."), errors=errors)
    return comment, clean


def _coerce(kind: str, value):
    """Return `value` converted to the input kind, or raise ValueError with a German message."""
    if kind == "amount":
        try:
            amount = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("Bitte geben Sie einen Betrag an.")) from None
        if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
            raise ValueError(
                _("Bitte geben Sie einen Betrag mit höchstens zwei Nachkommastellen an.")
            )
        return amount
    if kind == "date":
        if isinstance(value, date):
            return value
        text = value.strip() if isinstance(value, str) else ""
        try:
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text)  # exactly YYYY-MM-DD, not the compact form
        except ValueError:
            raise ValueError(_("Bitte geben Sie ein Datum im Format JJJJ-MM-TT an.")) from None
    text = str(value)
    problem = text_problem(text, multiline=False)
    if problem:
        raise ValueError(problem)
    text = text.strip()
    if len(text) > COMMENT_MAX:
        raise ValueError(_("Höchstens %(count)s Zeichen.", count=COMMENT_MAX))
    return text


def _mail(ctx, actor) -> list[dict]:
    """Return the outbox rows of the transition's mail, rendered as the case now stands."""
    return [
        row
        for notify in ctx.transition.notify
        for row in outbox.messages(
            ctx.case, ctx.subject, notify, ctx=ctx, definition=ctx.definition, actor=actor
        )
    ]


def _transition_entry(ctx, from_state: str, actor) -> HistoryEntry:
    """Build the entry of the transition in `ctx` (`_entry`), from `from_state`."""
    transition = ctx.transition
    return _entry(
        ctx.case,
        transition.trigger,
        from_state,
        transition.dest,
        actor,
        ctx.comment,
        ctx.inputs,
        ctx.now,
        ctx.definition,
    )


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _move_and_record(ctx, from_state: str, version: int, extra: dict, actor) -> None:
    """Move the case, write its entry and mail in one statement (PostgreSQL, no effects).

    The entry's seq was drawn with the load (`history.ahead`); everything else the entry
    covers is known before the move, so it is built, sealed and chained first, and the
    statement's data-modifying CTE moves the case under the same compare-and-set as
    `moves.compare_and_set`; the entry and the mail are written only if it did. Refused like a
    lost compare-and-set if it did not.
    """
    case, transition = ctx.case, ctx.transition
    old_chain_hash = case.chain_hash
    values = moves.case_values(transition, version, ctx.now, extra)
    for key, value in values.items():  # as the move leaves it: the mail shows the new state
        set_committed_value(case, key, value)
    ctx.entry = _transition_entry(ctx, from_state, actor)
    history.link(seal(ctx.entry, ctx.subject), old_chain_hash)
    moved = inserts.insert_if_moved(
        ctx.entry,
        ((outbox.TABLE, _mail(ctx, actor)),),
        moves.cas_update(tuple(values)),
        moves.cas_params(case.id, from_state, version, old_chain_hash, values),
    )
    if not moved:
        db.session.expire(case)  # it stays where the database has it
        raise StaleVersion(moves.stale_message())
    guards.note_mover(case, actor.id)
    moves.note_moved(case)


def _entry(
    case, trigger, from_state, to_state, actor, comment, inputs, now, definition
) -> HistoryEntry:
    """Build the history entry of a transition (the chain fields are set by history.link).

    The entry records the fingerprint of the definition it ran under.
    """
    return HistoryEntry(
        case_id=case.id,
        workflow=case.workflow,
        workflow_version=case.workflow_version,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=actor.role,
        comment=comment,
        inputs=history.canonical_inputs(inputs),
        created_at=now,
        definition_fingerprint=definition.fingerprint or None,
    )


def _who(actor) -> str:
    return f"{actor.role}:{actor.id}"
