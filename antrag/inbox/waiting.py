"""What is waiting for whom, derived from the workflow definitions rather than listed by hand.

A case waits for a role in a non-final state whose declared `actor` is that role and from
which a transition that role may fire leads on. The row says the label of that transition
(the primary one where there are several): "Antrag prüfen", "Zahlung freigeben und anordnen".

Two rules of the ministry's policy (antrag.engine.policy) narrow what a reviewer sees, the
same as `antrag.cases.page.who_acts` does on the case page:

- four eyes: a state left by a transition with a four-eyes guard waits for a second person,
  never for the one who moved the case into it (the proposer, the checker; the same
  question as `antrag.engine.guards.proposer_id`);
- signing authority: a state left by a transition with the guard `signing_authority` (a
  letter to issue) waits only for reviewers with signing authority.
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, select

from ..engine.models import Case, HistoryEntry
from ..engine.policy import FOUR_EYES_GUARDS, SIGNING_GUARD
from ..engine.workflows import workflows
from ..i18n import label

# Workflows whose open cases a city follows in its inbox even while the ministry acts
# (what the city itself asked for: its application, its call-offs, its proof of use). A
# reclaim is not among them: the city learns of it with the hearing, its own task.
CITY_FOLLOWS = ("membership", "call_off", "proof_of_use")


@dataclass(frozen=True)
class WaitingState:
    """A state of one workflow version in which a case waits for `role`."""

    workflow: str
    version: int
    state: str
    role: str
    kind_label: str  # the workflow's German label
    state_label: str
    what: str  # the German label of the transition the role is asked to fire
    four_eyes: bool
    signing: bool


def waiting_states(role: str) -> list[WaitingState]:
    """Return every (workflow, version, state) in which a case waits for `role`.

    Computed once per loaded set of definitions (they never change while it is loaded).
    """
    loaded = workflows()
    cache = loaded.__dict__.setdefault("_inbox_waiting", {})
    if role not in cache:
        cache[role] = _derive(role)
    return cache[role]


def _derive(role: str) -> list[WaitingState]:
    found = []
    for definition in workflows().all():
        for name, state in definition.states.items():
            if state.final or state.actor != role:
                continue
            own = [t for t in definition.outgoing(name) if role in t.roles and not t.timeout]
            if not own:
                continue
            primary = next((t for t in own if t.style == "primary"), own[0])
            guards = set().union(*(set(t.guards) for t in own))
            found.append(
                WaitingState(
                    workflow=definition.name,
                    version=definition.version,
                    state=name,
                    role=role,
                    kind_label=definition.label,
                    state_label=state.label,
                    what=primary.label,
                    four_eyes=bool(guards & FOUR_EYES_GUARDS),
                    signing=SIGNING_GUARD in guards,
                )
            )
    return found


def kinds(role: str) -> dict[str, str]:
    """Return workflow name → label (in the reader's language) of what waits for `role`."""
    return {w.workflow: label(w.kind_label) for w in waiting_states(role)}


def in_states(states) -> object:
    """Return the SQL condition: the case is in one of `states` (WaitingState or triples)."""
    groups: dict[tuple[str, int], list[str]] = {}
    for s in states:
        groups.setdefault((s.workflow, s.version), []).append(s.state)
    if not groups:
        return false()
    return or_(
        *(
            and_(Case.workflow == w, Case.workflow_version == v, Case.state.in_(names))
            for (w, v), names in sorted(groups.items())
        )
    )


def entered_by():
    """Return the correlated SQL value: who moved the case into its current state."""
    return (
        select(HistoryEntry.actor_id)
        .where(HistoryEntry.case_id == Case.id, HistoryEntry.to_state == Case.state)
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )


def waiting_for_reviewer(user) -> object:
    """Return the SQL condition: the case waits for this reviewer (or her team).

    Leaves out what four eyes bars her from and, without signing authority, the letters.
    """
    states = waiting_states("reviewer")
    if not getattr(user, "can_sign", False):
        states = [s for s in states if not s.signing]
    condition = in_states(states)
    barred = [s for s in states if s.four_eyes]
    if barred:
        proposer = entered_by()
        condition = and_(
            condition,
            or_(~in_states(barred), proposer.is_(None), proposer != user.id),
        )
    return condition


def lookup(case) -> WaitingState | None:
    """Return the waiting state a case is in, for any role, or None."""
    for role in ("reviewer", "applicant", "mentor"):
        for s in waiting_states(role):
            if (s.workflow, s.version, s.state) == (
                case.workflow,
                case.workflow_version,
                case.state,
            ):
                return s
    return None
