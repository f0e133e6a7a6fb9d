"""The policy no workflow author can drop: four eyes on decisions, signing authority on letters."""

import ast
from pathlib import Path

import pytest

from antrag import features
from antrag.engine import policy
from antrag.engine.definitions import DefinitionError, load_file

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"

features.load()


def text(name: str) -> str:
    return (WORKFLOWS / name / "v1.yaml").read_text(encoding="utf-8")


def drop_guard(source: str, trigger: str, guard: str) -> str:
    """Return `source` with `guard` removed from the guard list of transition `trigger`."""
    start = source.index(f"trigger: {trigger}\n")
    at = source.index("guards: [", start)
    end = source.index("]", at)
    guards = [g.strip() for g in source[at + len("guards: [") : end].split(",")]
    assert guard in guards, (trigger, guards)
    kept = ", ".join(g for g in guards if g != guard)
    return source[:at] + f"guards: [{kept}" + source[end:]


# name: (workflow, edit, message the refusal must contain)
DROPPED = {
    "approve_without_four_eyes": (
        "membership",
        lambda s: drop_guard(s, "approve", "four_eyes"),
        "transition 'approve' decides about rights and needs four eyes",
    ),
    "approve_without_marker": (
        "membership",
        lambda s: s.replace("    decision: rights\n    effects: [create", "    effects: [create"),
        "transition 'approve' is a decision about rights and must be marked",
    ),
    "approve_renamed": (
        "membership",
        lambda s: s.replace("trigger: approve", "trigger: grant"),
        "must declare the decision 'approve'",
    ),
    "reject_without_four_eyes": (
        "membership",
        lambda s: drop_guard(s, "reject", "four_eyes"),
        "transition 'reject' decides about rights and needs four eyes",
    ),
    "release_without_four_eyes": (
        "call_off",
        lambda s: drop_guard(s, "release", "four_eyes_release"),
        "transition 'release' decides about money and needs four eyes",
    ),
    "proof_accepted_by_one_person": (
        "proof_of_use",
        lambda s: drop_guard(s, "accept", "four_eyes"),
        "transition 'accept' decides about money and needs four eyes",
    ),
    "notice_without_signing_authority": (
        "funding_notice",
        lambda s: s.replace("guards: [signing_authority, ", "guards: ["),
        "transition 'issue' issues a letter and needs the guard 'signing_authority'",
    ),
    "unknown_decision_kind": (
        "call_off",
        lambda s: s.replace("decision: money", "decision: glory"),
        "decision must be one of money, rights",
    ),
}


@pytest.mark.parametrize("version", [1, 7])
@pytest.mark.parametrize("name", DROPPED)
def test_a_definition_that_drops_a_protective_rule_is_refused(tmp_path, name, version):
    workflow, change, message = DROPPED[name]
    original = text(workflow)
    changed = change(original).replace("version: 1\n", f"version: {version}\n", 1)
    assert changed != original.replace("version: 1\n", f"version: {version}\n", 1)
    path = tmp_path / workflow / f"v{version}.yaml"
    path.parent.mkdir()
    path.write_text(changed, encoding="utf-8")

    with pytest.raises(DefinitionError) as refused:
        load_file(path)

    assert any(message in p for p in refused.value.problems), refused.value.problems
    assert all(f"{workflow}/v{version}.yaml:" in p for p in refused.value.problems)


def test_a_decision_by_effect_needs_the_marker_whatever_the_trigger_is_called(tmp_path):
    membership = text("membership")
    extra = membership + (
        "\n  - trigger: fast_track\n    label: Sofort bewilligen\n    source: in_review\n"
        "    dest: approved\n    roles: [reviewer]\n    effects: [reserve_budget]\n"
    )
    path = tmp_path / "membership.yaml"
    path.write_text(extra, encoding="utf-8")

    with pytest.raises(DefinitionError, match="'fast_track' runs 'reserve_budget'"):
        load_file(path)


def test_the_real_definitions_keep_the_policy():
    for name, decisions in policy.REQUIRED_DECISIONS.items():
        definition = load_file(WORKFLOWS / name / "v1.yaml")
        for trigger, kind in decisions.items():
            transition = definition.transition(trigger)
            assert transition.decision == kind
            assert policy.FOUR_EYES_GUARDS & set(transition.guards)


def test_a_file_in_a_version_folder_must_match_its_name_and_version(tmp_path):
    path = tmp_path / "membership" / "v2.yaml"
    path.parent.mkdir()
    path.write_text(text("membership"), encoding="utf-8")

    with pytest.raises(DefinitionError, match="the file v2.yaml declares version 1"):
        load_file(path)


def _engine_imports(module: str) -> set[str]:
    """Return the sibling modules of antrag/engine that `module` imports (also lazily)."""
    tree = ast.parse((ROOT / "antrag" / "engine" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_definitions_and_validation_depend_one_way():
    assert "validation" in _engine_imports("definitions")
    reached, todo = set(), ["validation"]
    while todo:
        module = todo.pop()
        for imported in _engine_imports(module) - reached:
            reached.add(imported)
            todo.append(imported)
    assert "definitions" not in reached, reached
