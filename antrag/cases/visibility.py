"""What of a case's history is internal to the ministry, and so not shown to a city or mentor.

The ministry and the case file keep everything. A city (and a mentor) does not see the
ministry's internal steps: the proposals of a decision and their send-back, with their
comments, and the comment of the co-signature (the decision reaches the city as a notice,
with its reasons). A step that the city is told of by mail (a checked call-off) stays
visible, as do the comments addressed to the city (a change request, a refusal's reasons).

The rule is derived from each definition's decision markers (`decision:`), so every
workflow version, later ones included, follows it without a list to keep.
"""

from ..engine import workflows
from ..engine.spec import TransitionDef, WorkflowDefinition

MINISTRY_ROLES = frozenset({"reviewer"})


def sees_everything(viewer) -> bool:
    """Return whether `viewer` sees the whole history (the ministry)."""
    return getattr(viewer, "role", None) in MINISTRY_ROLES


def proposal_states(definition: WorkflowDefinition) -> frozenset[str]:
    """Return the states in which a decision waits for its co-signature (four eyes)."""
    return frozenset(source for t in definition.transitions if t.decision for source in t.sources)


def _tells_the_city(transition: TransitionDef) -> bool:
    return any(mail.to == "applicant" for mail in transition.notify)


def visibility(entry) -> tuple[bool, bool]:
    """Return (shown, comment shown) of a history entry for a viewer outside the ministry."""
    if entry.actor_role not in MINISTRY_ROLES:
        return True, True
    definition = workflows().get(entry.workflow, entry.workflow_version)
    transition = definition.transition(entry.trigger)
    if transition is None:  # start, version change: no comment of the ministry's to hide
        return True, True
    if transition.decision:
        return True, False
    proposals = proposal_states(definition)
    internal = entry.to_state in proposals or entry.from_state in proposals
    if internal and not _tells_the_city(transition):
        return False, False
    return True, True
