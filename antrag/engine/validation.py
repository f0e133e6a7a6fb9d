"""Semantic checks of a loaded workflow definition: names, targets, reachability, registries.

Imports only the shapes (`spec`), the registries and the policy; the loader
(`definitions`) calls it, never the other way round.
"""

import re
from collections import deque

from . import policy
from .registry import EFFECTS, GUARDS, ROLES, SUBJECTS
from .spec import DECISION_KINDS, WorkflowDefinition

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
INPUT_KINDS = ("text", "amount", "date", "file")
# History entries the engine writes itself: a case's start and its move to another version.
RESERVED_TRIGGERS = ("start", "migrate")


def validate(d: WorkflowDefinition, problems: list[str]) -> None:
    """Check names, targets, reachability, ways out, roles, guards and effects."""
    at = d.path
    if not NAME_RE.match(d.name):
        problems.append(f"{at}:1: workflow name '{d.name}' is not a lower-case identifier")
    if d.version < 1:
        problems.append(f"{at}:1: version must be a positive integer")
    if d.subject not in SUBJECTS:
        problems.append(f"{at}:1: unknown subject '{d.subject}'")
    if d.initial not in d.states:
        problems.append(f"{at}:1: initial state '{d.initial}' is not declared")
    for s in d.states.values():
        if not NAME_RE.match(s.name):
            problems.append(f"{at}:{s.line}: state name '{s.name}' is not an identifier")
        if s.actor is not None and s.actor not in ROLES:
            problems.append(f"{at}:{s.line}: state '{s.name}': unknown role '{s.actor}'")
        if s.reminder is not None:
            _check_mail(d, s.reminder, f"{at}:{s.line}: state '{s.name}'", problems)
    for t in d.transitions:
        where = f"{at}:{t.line}: transition '{t.trigger}'"
        if not NAME_RE.match(t.trigger) or t.trigger.startswith("to_"):
            problems.append(f"{where}: trigger must be an identifier not starting with 'to_'")
        for s in t.sources:
            if s not in d.states:
                problems.append(f"{where}: unknown source state '{s}'")
            elif d.states[s].final:
                problems.append(f"{where}: source state '{s}' is final")
        if t.dest not in d.states:
            problems.append(f"{where}: unknown destination state '{t.dest}'")
        for role in t.roles:
            if role not in ROLES:
                problems.append(f"{where}: unknown role '{role}'")
        if not t.roles:
            problems.append(f"{where}: no role may fire it")
        for g in t.guards:
            if g not in GUARDS:
                problems.append(f"{where}: unknown guard '{g}'")
        for e in t.effects:
            if e not in EFFECTS:
                problems.append(f"{where}: unknown effect '{e}'")
        for i in t.inputs:
            if i.kind not in INPUT_KINDS:
                problems.append(f"{where}: input '{i.name}' has unknown kind '{i.kind}'")
        if t.timeout and "system" not in t.roles:
            problems.append(f"{where}: a timeout transition must be allowed to the role 'system'")
        for mail in t.notify:
            _check_mail(d, mail, where, problems)
        if t.comment not in ("required", "optional", "none"):
            problems.append(f"{where}: comment must be required, optional or none")
        if t.decision is not None and t.decision not in DECISION_KINDS:
            problems.append(f"{where}: decision must be one of {', '.join(DECISION_KINDS)}")
        if t.trigger in RESERVED_TRIGGERS:
            problems.append(f"{where}: the trigger name '{t.trigger}' is the engine's own")
    if d.initial in d.states:
        reachable = _reachable(d)
        for s in d.states.values():
            if s.name not in reachable:
                problems.append(f"{at}:{s.line}: state '{s.name}' is unreachable")
            if not s.final and not d.outgoing(s.name):
                problems.append(f"{at}:{s.line}: state '{s.name}' is not final and has no way out")
    policy.enforce(d, problems)


def _reachable(d: WorkflowDefinition) -> set[str]:
    """Return the states reachable from the initial state."""
    seen, queue = {d.initial}, deque([d.initial])
    while queue:
        for t in d.outgoing(queue.popleft()):
            if t.dest in d.states and t.dest not in seen:
                seen.add(t.dest)
                queue.append(t.dest)
    return seen


def _check_mail(d: WorkflowDefinition, mail, where: str, problems: list[str]) -> None:
    """A mail goes to the case's assignee or a recipient kind its subject knows."""
    known = getattr(SUBJECTS.get(d.subject), "RECIPIENTS", ())
    if mail.to != "assignee" and mail.to not in known:
        problems.append(f"{where}: unknown mail recipient '{mail.to}'")
    if not NAME_RE.match(mail.template):
        problems.append(f"{where}: mail template '{mail.template}' is not an identifier")
