"""Workflow definitions: loaded from YAML files in `workflows/` and validated.

A definition is data only. Loading turns it into frozen dataclasses; validation reports
every problem with the file and line it stems from, so that a broken definition stops
start-up with a message a person can act on.
"""

import dataclasses
import re
from functools import lru_cache
from pathlib import Path

import yaml

from .fingerprint import fingerprint
from .spec import (  # noqa: F401  (re-exported: the shapes used to live here)
    DECISION_KINDS,
    DUE_UNITS,
    Due,
    InputDef,
    Mail,
    StateDef,
    TransitionDef,
    WorkflowDefinition,
)
from .validation import validate

# workflows/<name>/v<version>.yaml: each published version in its own file, side by side.
VERSION_FILE_RE = re.compile(r"^v([1-9][0-9]*)\.yaml$")


class DefinitionError(Exception):
    """One or more definitions are broken; `problems` lists `file:line: message` strings."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# libyaml's parser where PyYAML was built with it (the usual wheels are), else pure Python.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """A YAML loader that records the line of every mapping under the key `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_file(path: Path) -> WorkflowDefinition:
    """Load and validate one workflow file; raise DefinitionError naming file and line."""
    label = _display_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError([f"{label}:1: not UTF-8 text: {exc}"]) from exc
    return _load_text(label, Path(path), text)


@lru_cache(maxsize=256)
def _load_text(label: str, path: Path, text: str) -> WorkflowDefinition:
    """Parse and validate one file's text; the same text at the same place loads once.

    Definitions are frozen, so every app of a process (the test suite builds thousands) may
    share them; a changed file is new text and loads afresh.
    """
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise DefinitionError([f"{label}:{line}: not valid YAML: {exc}"]) from exc
    problems: list[str] = []
    definition = _build(raw, label, problems)
    if definition is not None:
        validate(definition, problems)
        _check_file_name(definition, Path(path), problems)
    if problems:
        raise DefinitionError(problems)
    return dataclasses.replace(definition, fingerprint=fingerprint(definition))


def _check_file_name(d: WorkflowDefinition, path: Path, problems: list[str]) -> None:
    """A file named `v<N>.yaml` lies in the folder of its workflow and holds version N."""
    match = VERSION_FILE_RE.match(path.name)
    if match is None:
        return
    if path.parent.name != d.name:
        problems.append(
            f"{d.path}:1: workflow '{d.name}' lies in the folder of '{path.parent.name}'"
        )
    if int(match.group(1)) != d.version:
        problems.append(f"{d.path}:1: the file {path.name} declares version {d.version}")


def _display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_directory(directory: Path) -> list[WorkflowDefinition]:
    """Load every `*.yaml` file below `directory`; collect the problems of all files at once.

    Versions live side by side, `workflows/<name>/v<N>.yaml`; a flat `<name>.yaml` loads too.
    """
    definitions, problems = [], []
    files = sorted(Path(directory).rglob("*.yaml"))
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
        decision=str(spec["decision"]) if spec.get("decision") is not None else None,
        line=line,
    )


def _mail(spec, label: str, line: int, problems: list[str]) -> Mail | None:
    """Build a Mail from `{to: …, template: …}`, noting a malformed one."""
    if not isinstance(spec, dict) or not spec.get("to") or not spec.get("template"):
        problems.append(f"{label}:{line}: a mail needs 'to' and 'template'")
        return None
    return Mail(to=str(spec["to"]), template=str(spec["template"]))
