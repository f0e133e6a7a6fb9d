"""The shape of a loaded workflow definition: frozen dataclasses, no loading, no checks.

Loading (`definitions`) builds these; validation and policy read them. Keeping the shapes
here lets the dependency run one way: definitions -> validation/policy -> spec.
"""

from collections import deque
from dataclasses import dataclass, field

DUE_UNITS = ("days", "working_days", "months", "action_period")
DECISION_KINDS = ("money", "rights")


@dataclass(frozen=True)
class Mail:
    """A message to write to the outbox: who gets it and which template renders it."""

    to: str  # a recipient kind known to the subject (e.g. applicant, reviewers) or assignee
    template: str  # templates/mail/<template>.txt


@dataclass(frozen=True)
class StateDef:
    """A state with its German label, finality, who must act in it and its due-date reminder."""

    name: str
    label: str
    final: bool = False
    actor: str | None = None  # the role that must act next
    hint: str = ""  # German: what happens next
    reminder: Mail | None = None  # sent once shortly before the state's due date
    line: int = 0


@dataclass(frozen=True)
class InputDef:
    """An input a transition requires or accepts besides the comment."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True


@dataclass(frozen=True)
class Due:
    """A due date set when a transition enters its destination."""

    amount: int
    unit: str  # one of DUE_UNITS


@dataclass(frozen=True)
class TransitionDef:
    """One declared transition: trigger, sources, destination, roles, guards, inputs, effects."""

    trigger: str
    label: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    inputs: tuple[InputDef, ...] = ()
    comment: str = "optional"  # required | optional | none
    comment_label: str = "Kommentar"
    due: Due | None = None
    timeout: bool = False  # fired by the timer (`flask tick`) once the case's due date has passed
    notify: tuple[Mail, ...] = ()
    style: str = "secondary"
    # A decision about money or rights (one of DECISION_KINDS): policy demands four eyes.
    decision: str | None = None
    line: int = 0


@dataclass(frozen=True)
class WorkflowDefinition:
    """A whole workflow, as declared in one file."""

    name: str
    version: int
    label: str
    subject: str
    initial: str
    states: dict[str, StateDef]
    transitions: tuple[TransitionDef, ...]
    path: str = ""
    by_trigger: dict[str, TransitionDef] = field(default_factory=dict, compare=False)
    # SHA-256 of the canonical form (see `fingerprint.py`), set by the loader.
    fingerprint: str = field(default="", compare=False)

    def transition(self, trigger: str) -> TransitionDef | None:
        """Return the transition declared for `trigger`, or None."""
        return self.by_trigger.get(trigger)

    def outgoing(self, state: str) -> list[TransitionDef]:
        """Return the transitions that may leave `state`, in declaration order."""
        return [t for t in self.transitions if state in t.sources]

    def state_order(self) -> list[str]:
        """Return the states in breadth-first order from the initial state."""
        seen, queue = [self.initial], deque([self.initial])
        while queue:
            for t in self.outgoing(queue.popleft()):
                if t.dest in self.states and t.dest not in seen:
                    seen.append(t.dest)
                    queue.append(t.dest)
        return seen + [s for s in self.states if s not in seen]
