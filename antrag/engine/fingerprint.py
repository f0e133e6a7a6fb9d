"""The fingerprint of a workflow definition: SHA-256 of its canonical form, and what changed.

The canonical form is the loaded definition as plain data: every state and transition with
the fields that differ from their defaults (so that a new optional field of the engine does
not change the fingerprint of definitions that do not use it), without file lines and
paths (so that comments, layout and moving a file do not count as a change), serialised as
JSON with sorted keys.
"""

import dataclasses
import hashlib
import json

from .spec import WorkflowDefinition

_NOT_CONTENT = {"line", "path", "by_trigger", "fingerprint"}


def _plain(value):
    """Return `value` as JSON-ready data, dataclasses without defaults and lines."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            if f.name in _NOT_CONTENT:
                continue
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and item == f.default_factory():
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(definition: WorkflowDefinition) -> dict:
    """Return the canonical form of a definition (plain dicts and lists)."""
    return _plain(definition)


def canonical_json(definition: WorkflowDefinition) -> str:
    """Return the canonical form as compact JSON with sorted keys."""
    return json.dumps(
        canonical(definition), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def fingerprint(definition: WorkflowDefinition) -> str:
    """Return the SHA-256 (hex) of the canonical JSON of a definition."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def changes(old: dict, new: dict) -> list[str]:
    """Name what differs between two canonical forms, e.g. `transition 'approve': guards …`."""
    found = []
    for key in sorted((set(old) | set(new)) - {"states", "transitions"}):
        if old.get(key) != new.get(key):
            found.append(f"{key}: {_show(old.get(key))} -> {_show(new.get(key))}")
    found += _compare("state", old.get("states", {}), new.get("states", {}))
    old_t = {t.get("trigger"): t for t in old.get("transitions", [])}
    new_t = {t.get("trigger"): t for t in new.get("transitions", [])}
    found += _compare("transition", old_t, new_t)
    if not found and old != new:
        found.append("the order of the transitions")
    return found


def _compare(kind: str, old: dict, new: dict) -> list[str]:
    found = []
    for name in old.keys() - new.keys():
        found.append(f"{kind} '{name}' removed")
    for name in new.keys() - old.keys():
        found.append(f"{kind} '{name}' added")
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                found.append(f"{kind} '{name}': {key} {_show(a.get(key))} -> {_show(b.get(key))}")
    return sorted(found, key=lambda text: (0 if "removed" in text else 1, text))


def _show(value) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
