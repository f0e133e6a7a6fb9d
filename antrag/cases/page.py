"""What the shared case partials show, for any workflow: status, progress, history, actions.

Nothing here knows the membership workflow; labels come from the definition the case runs
on, so later workflows (notice, mentoring) reuse `templates/case/*.html` with `case_view`.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..accounts.models import ROLE_LABELS
from ..engine import Action, Case, available_actions, workflows
from ..engine.definitions import StateDef, WorkflowDefinition
from ..engine.migration import TRIGGER as MIGRATE
from ..engine.policy import FOUR_EYES_GUARDS, SIGNING_GUARD
from ..i18n import N_, label
from .visibility import sees_everything, visibility

# Who must act, as the sentence "Am Zug: …" ends.
ACTOR_LABELS = {
    "applicant": N_("die antragstellende Kommune"),
    "reviewer": N_("das Ministerium (Prüfung)"),
    "mentor": N_("KL.digital (Mentoring)"),
    "admin": N_("die Administration"),
    "system": N_("das System (Fristenüberwachung)"),
}
HISTORY_ROLE_LABELS = {**ROLE_LABELS, "system": N_("System")}
STEP_STATUS_LABELS = {
    "done": N_("durchlaufen"),
    "current": N_("aktueller Stand"),
    "upcoming": N_("noch nicht erreicht"),
    "skipped": N_("nicht durchlaufen"),
}


@dataclass(frozen=True)
class Step:
    """One stage of the progress view with its status (done, current, upcoming, skipped)."""

    label: str
    status: str

    @property
    def status_label(self) -> str:
        return label(STEP_STATUS_LABELS[self.status])


@dataclass(frozen=True)
class HistoryRow:
    """One history entry in German words."""

    at: datetime
    actor_name: str
    role_label: str
    action_label: str
    from_label: str | None
    to_label: str
    comment: str | None
    rules: str = ""  # the workflow version and the start of its fingerprint


@dataclass(frozen=True)
class CaseView:
    """Everything the case partials render for one case and one viewer."""

    case: Case
    definition: WorkflowDefinition
    state: StateDef
    actor_label: str | None
    viewer_acts: bool
    steps: list[Step]
    history: list[HistoryRow]
    actions: list[Action]

    @property
    def overdue(self) -> bool:
        """Whether the case's due date has passed."""
        return self.case.is_overdue()


def state_label(case: Case) -> str:
    """Return the label of the case's current state in the reader's language."""
    return label(workflows().get(case.workflow, case.workflow_version).states[case.state].label)


def build_case_view(case: Case, viewer, subject=None) -> CaseView:
    """Collect status, progress, history and the viewer's actions of `case`."""
    definition = workflows().get(case.workflow, case.workflow_version)
    state = definition.states[case.state]
    actions = available_actions(case, viewer, subject)
    actor_label, viewer_acts = who_acts(state, viewer, actions)
    return CaseView(
        case=case,
        definition=definition,
        state=state,
        actor_label=actor_label,
        viewer_acts=viewer_acts,
        steps=progress_steps(definition, case),
        history=history_rows(case, viewer),
        actions=actions,
    )


def who_acts(state: StateDef, viewer, actions: list[Action]) -> tuple[str | None, bool]:
    """Return who must act in `state`, as "Am Zug: …" ends, and whether the viewer can.

    The viewer acts only with an action allowed now. A reviewer whom four eyes bars from the
    step the state waits for (who proposed, who checked a call-off) reads that a second
    person must act, even where a side step (refuse, send back) is open to her; one without
    signing authority reads that a person with it must.
    """
    if state.actor is None:
        return None, False
    if state.actor != getattr(viewer, "role", None):
        return label(ACTOR_LABELS.get(state.actor)), False
    refused_by = set().union(*(set(a.transition.guards) for a in actions if not a.allowed))
    if refused_by & FOUR_EYES_GUARDS:  # the step this state waits for is a second person's
        return gettext("eine zweite Person im Ministerium (Vier-Augen-Prinzip), nicht Sie"), False
    if any(action.allowed for action in actions):
        return label(ACTOR_LABELS[state.actor]), True
    if SIGNING_GUARD in refused_by and not getattr(viewer, "can_sign", False):
        return gettext("eine Person mit Zeichnungsbefugnis im Ministerium"), False
    return label(ACTOR_LABELS[state.actor]), False


def progress_steps(definition: WorkflowDefinition, case: Case) -> list[Step]:
    """Return the non-final states in workflow order, then one step for the outcome.

    The final states are alternatives (approved, rejected, withdrawn), so they share the
    last step: the one reached once the case has ended, all of them while it is open.
    """
    visited = {entry.to_state for entry in case.history}
    ended = definition.states[case.state].final
    steps = []
    for name in definition.state_order():
        state = definition.states[name]
        if state.final:
            continue
        if name == case.state:
            status = "current"
        elif name in visited:
            status = "done"
        else:
            status = "skipped" if ended else "upcoming"
        steps.append(Step(label(state.label), status))
    finals = [label(s.label) for s in definition.states.values() if s.final]
    if ended:
        outcome = label(definition.states[case.state].label)
        steps.append(Step(gettext("Abschluss: %(outcome)s", outcome=outcome), "current"))
    else:
        steps.append(Step(gettext("Abschluss: %(outcome)s", outcome=_either(finals)), "upcoming"))
    return steps


def history_rows(case: Case, viewer=None) -> list[HistoryRow]:
    """Return the case's history, oldest first, with labels of the version each entry ran on.

    Without a viewer (the case file) or for the ministry: everything; for a city or a mentor
    without what is internal to the ministry (see `visibility`).
    """
    rows = []
    everything = viewer is None or sees_everything(viewer)
    for entry in case.history:
        shown, comment_shown = (True, True) if everything else visibility(entry)
        if not shown:
            continue
        definition = workflows().get(entry.workflow, entry.workflow_version)
        transition = definition.transition(entry.trigger)
        before = definition
        if entry.trigger == MIGRATE:  # the state it left belongs to the version it left
            before = _version_left(entry) or definition
            action = gettext("Auf Version %(version)s umgestellt", version=entry.workflow_version)
        else:
            action = label(transition.label) if transition else gettext("Vorgang angelegt")
        rows.append(
            HistoryRow(
                at=entry.created_at,
                actor_name=entry.actor_name,
                role_label=label(HISTORY_ROLE_LABELS.get(entry.actor_role, entry.actor_role)),
                action_label=action,
                from_label=_label(before, entry.from_state),
                to_label=_label(definition, entry.to_state) or entry.to_state,
                comment=entry.comment if comment_shown else None,
                rules=_rules(entry),
            )
        )
    return rows


def _version_left(entry) -> WorkflowDefinition | None:
    """Return the definition a migrated case left, if it is still loaded."""
    try:
        version = json.loads(entry.inputs or "{}").get("from_version")
        return workflows().get(entry.workflow, version)
    except (KeyError, ValueError, AttributeError):
        return None


def _rules(entry) -> str:
    """Return e.g. `v1 · 5fb362f0a334`: the rules the entry ran under."""
    if not entry.definition_fingerprint:
        return f"v{entry.workflow_version}"
    return f"v{entry.workflow_version} · {entry.definition_fingerprint[:12]}"


def _label(definition: WorkflowDefinition, state: str | None) -> str | None:
    if state is None:
        return None
    found = definition.states.get(state)
    return label(found.label) if found else state


def _either(labels: list[str]) -> str:
    """Return `A, B oder C` (`A, B or C`)."""
    if len(labels) < 2:
        return "".join(labels)
    return gettext("%(first)s oder %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


def action_error_items(view: CaseView, trigger: str, errors: dict) -> list[tuple[str, str, str]]:
    """Return (field id, label, message) of a refused action for the error summary."""
    transition = view.definition.transition(trigger)
    items = []
    declared = {i.name: i for i in transition.inputs} if transition is not None else {}
    for name, message in errors.items():
        if name == "comment" and transition is not None:
            items.append((f"comment-{trigger}", label(transition.comment_label), message))
        elif name in declared:
            items.append((f"input-{trigger}-{name}", label(declared[name].label), message))
        else:
            items.append(("case-actions-title", name, message))
    return items
