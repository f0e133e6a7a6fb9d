"""Workflow definitions: loaded from YAML files in `workflows/` and validated.

A definition is data only. Loading turns it into frozen dataclasses; validation reports
every problem with the file and line it stems from, so that a broken definition stops
start-up with a message a person can act on.
"""

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .validation import validate

DUE_UNITS = ("days", "working_days", "months", "action_period")


class DefinitionError(Exception):
    """One or more definitions are broken; `problems` lists `file:line: message` strings."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


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


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping under the key `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_file(path: Path) -> WorkflowDefinition:
    """Load and validate one workflow file; raise DefinitionError naming file and line."""
    label = _display_path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except UnicodeDecodeError as exc:
        raise DefinitionError([f"{label}:1: not UTF-8 text: {exc}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise DefinitionError([f"{label}:{line}: not valid YAML: {exc}"]) from exc
    problems: list[str] = []
    definition = _build(raw, label, problems)
    if definition is not None:
        validate(definition, problems)
    if problems:
        raise DefinitionError(problems)
    return definition


def _display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_directory(directory: Path) -> list[WorkflowDefinition]:
    """Load every `*.yaml` file of `directory`; collect the problems of all files at once."""
    definitions, problems = [], []
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise DefinitionError([f"{directory}: no workflow definitions (*.yaml) found"])
    for path in files:
        try:
            definitions.append(load_file(path))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    seen: dict[tuple[str, int], str] = {}
    for d in definitions:
        key = (d.name, d.version)
        if key in seen:
            problems.append(f"{d.path}:1: workflow {d.name} v{d.version} also in {seen[key]}")
        seen[key] = d.path
    if problems:
        raise DefinitionError(problems)
    return definitions


def _build(raw, label: str, problems: list[str]) -> WorkflowDefinition | None:
    """Turn the raw YAML mapping into dataclasses, noting structural problems."""
    if not isinstance(raw, dict):
        problems.append(f"{label}:1: the file must hold a mapping")
        return None
    top = raw.get("__line__", 1)
    for key in ("name", "version", "label", "subject", "initial", "states", "transitions"):
        if key not in raw:
            problems.append(f"{label}:{top}: missing key '{key}'")
    if problems:
        return None
    states = {}
    if not isinstance(raw["states"], dict):
        problems.append(f"{label}:{top}: 'states' must be a mapping")
        return None
    for name, spec in raw["states"].items():
        if name == "__line__":
            continue
        name = str(name)  # YAML reads keys such as `on` or `1` as booleans and numbers
        spec = spec if isinstance(spec, dict) else {}
        line = spec.get("__line__", raw["states"]["__line__"])
        if not spec.get("label"):
            problems.append(f"{label}:{line}: state '{name}' has no label")
        states[name] = StateDef(
            name=name,
            label=spec.get("label", name),
            final=bool(spec.get("final", False)),
            actor=spec.get("actor"),
            hint=spec.get("hint", ""),
            reminder=_mail(spec.get("reminder"), label, line, problems)
            if spec.get("reminder")
            else None,
            line=line,
        )
    transitions = []
    if not isinstance(raw["transitions"] or [], list):
        problems.append(f"{label}:{top}: 'transitions' must be a list")
        return None
    for spec in raw["transitions"] or []:
        t = _build_transition(spec, label, problems)
        if t is not None:
            transitions.append(t)
    by_trigger = {}
    for t in transitions:
        if t.trigger in by_trigger:
            problems.append(f"{label}:{t.line}: duplicate trigger '{t.trigger}'")
        by_trigger.setdefault(t.trigger, t)
    return WorkflowDefinition(
        name=str(raw["name"]),
        version=raw["version"] if isinstance(raw["version"], int) else 0,
        label=str(raw["label"]),
        subject=str(raw["subject"]),
        initial=str(raw["initial"]),
        states=states,
        transitions=tuple(transitions),
        path=label,
        by_trigger=by_trigger,
    )


def _build_transition(spec, label: str, problems: list[str]) -> TransitionDef | None:
    """Build one TransitionDef from its YAML mapping."""
    if not isinstance(spec, dict):
        problems.append(f"{label}:?: a transition must be a mapping")
        return None
    line = spec["__line__"]
    missing = [k for k in ("trigger", "label", "source", "dest", "roles") if k not in spec]
    if missing:
        problems.append(f"{label}:{line}: transition misses {', '.join(missing)}")
        return None
    sources = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
    inputs = []
    for item in spec.get("inputs") or []:
        if not isinstance(item, dict) or "name" not in item:
            problems.append(f"{label}:{line}: every input needs a name")
            continue
        inputs.append(
            InputDef(
                name=item["name"],
                label=item.get("label", item["name"]),
                kind=item.get("kind", "text"),
                required=bool(item.get("required", True)),
            )
        )
    due = None
    if spec.get("due"):
        raw_due = spec["due"] if isinstance(spec["due"], dict) else {}
        due_spec = {k: v for k, v in raw_due.items() if k != "__line__"}
        unit, amount = next(iter(due_spec.items()), (None, None))
        if len(due_spec) != 1 or unit not in DUE_UNITS or type(amount) is not int or amount < 1:
            problems.append(
                f"{label}:{line}: 'due' takes one of {', '.join(DUE_UNITS)} "
                "with a positive whole number, e.g. {days: 28}"
            )
        else:
            due = Due(amount, unit)
    return TransitionDef(
        trigger=str(spec["trigger"]),
        label=str(spec["label"]),
        sources=tuple(str(s) for s in sources),
        dest=str(spec["dest"]),
        roles=tuple(spec["roles"] or ()),
        guards=tuple(spec.get("guards") or ()),
        effects=tuple(spec.get("effects") or ()),
        inputs=tuple(inputs),
        comment=str(spec.get("comment", "optional")),
        comment_label=str(spec.get("comment_label", "Kommentar")),
        due=due,
        timeout=bool(spec.get("timeout", False)),
        notify=tuple(
            m
            for m in (_mail(item, label, line, problems) for item in spec.get("notify") or [])
            if m is not None
        ),
        style=str(spec.get("style", "secondary")),
        line=line,
    )


def _mail(spec, label: str, line: int, problems: list[str]) -> Mail | None:
    """Build a Mail from `{to: …, template: …}`, noting a malformed one."""
    if not isinstance(spec, dict) or not spec.get("to") or not spec.get("template"):
        problems.append(f"{label}:{line}: a mail needs 'to' and 'template'")
        return None
    return Mail(to=str(spec["to"]), template=str(spec["template"]))
