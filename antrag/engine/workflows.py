"""The set of loaded workflow definitions and their shared state machines.

One `transitions.Machine` is built per (workflow, version) at start-up, with no model:
the engine fires its events on a throw-away token, never on an ORM row.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from transitions import Machine

from .definitions import WorkflowDefinition, load_directory
from .registry import GUARDS

EXTENSION_KEY = "antrag.workflows"


@dataclass
class Token:
    """The stand-in model the machine moves: it only carries the state name."""

    state: str


def _condition(guard_name: str):
    """Wrap a registered guard as a machine condition that records which guard refused."""

    def check(event_data) -> bool:
        ctx = event_data.kwargs["ctx"]
        passed = GUARDS[guard_name].check(ctx)
        if not isinstance(passed, bool):
            raise TypeError(f"guard {guard_name!r} returned {type(passed).__name__}, not bool")
        if not passed:
            ctx.refused = guard_name
        return passed

    check.__name__ = f"guard_{guard_name}"
    return check


def build_machine(definition: WorkflowDefinition) -> Machine:
    """Build the shared machine of one definition with the engine's safe settings."""
    machine = Machine(
        model=None,
        states=list(definition.states),
        initial=definition.initial,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
        name=f"{definition.name}@{definition.version}: ",
    )
    for t in definition.transitions:
        machine.add_transition(
            t.trigger,
            list(t.sources),
            t.dest,
            conditions=[_condition(g) for g in t.guards],
        )
    return machine


class WorkflowSet:
    """All definitions of the app, by name and version, each with its machine."""

    def __init__(self, definitions: list[WorkflowDefinition]):
        self._by_key = {(d.name, d.version): d for d in definitions}
        self._machines = {key: build_machine(d) for key, d in self._by_key.items()}
        self._current = {d.name: d for d in sorted(definitions, key=lambda d: d.version)}
        # What other modules work out once per set of definitions (e.g. `prefetch.for_trigger`).
        self.memo: dict = {}

    @classmethod
    def from_directory(cls, directory: str | Path) -> "WorkflowSet":
        """Load and validate every definition of `directory`."""
        return cls(load_directory(Path(directory)))

    def names(self) -> list[str]:
        """Return the workflow names in alphabetical order."""
        return sorted(self._current)

    def current(self, name: str) -> WorkflowDefinition:
        """Return the newest version of the workflow `name`."""
        return self._current[name]

    def get(self, name: str, version: int) -> WorkflowDefinition:
        """Return the definition a case runs on."""
        return self._by_key[(name, version)]

    def machine(self, name: str, version: int) -> Machine:
        """Return the shared machine of a definition."""
        return self._machines[(name, version)]

    def state_labels(self, name: str) -> dict[str, str]:
        """Return the label of every state of any loaded version of `name` (newest label wins).

        Lists that show cases of several versions side by side label each state by this.
        """
        labels: dict[str, str] = {}
        for d in sorted(self._by_key.values(), key=lambda d: d.version):
            if d.name == name:
                labels.update({state: s.label for state, s in d.states.items()})
        return labels

    def all(self) -> list[WorkflowDefinition]:
        """Return every loaded definition."""
        return list(self._by_key.values())


def workflows() -> WorkflowSet:
    """Return the app's workflow set."""
    return current_app.extensions[EXTENSION_KEY]
