"""Workflow definitions: every file in workflows/ is sound; broken ones are named by file and line."""

import re
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest
from click.testing import CliRunner

from antrag import features
from antrag.engine.definitions import DefinitionError, load_directory, load_file
from antrag.engine.registry import EFFECTS, GUARDS, ROLES
from antrag.workflow_cli import workflows_cli

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_FILES = sorted((ROOT / "workflows").rglob("*.yaml"))
MEMBERSHIP_TEXT = (ROOT / "workflows" / "membership" / "v1.yaml").read_text(encoding="utf-8")

features.load()  # the registries of guards, effects and subjects


@pytest.fixture(params=WORKFLOW_FILES, ids=[f"{p.parent.name}/{p.name}" for p in WORKFLOW_FILES])
def definition(request):
    return load_file(request.param)


def test_there_are_workflow_files():
    assert any(p.parts[-2:] == ("membership", "v1.yaml") for p in WORKFLOW_FILES)


def test_every_target_exists(definition):
    for t in definition.transitions:
        assert t.dest in definition.states, t.trigger
        assert set(t.sources) <= set(definition.states), t.trigger
    assert definition.initial in definition.states


def test_every_state_is_reachable(definition):
    seen, queue = {definition.initial}, deque([definition.initial])
    while queue:
        for t in definition.outgoing(queue.popleft()):
            if t.dest not in seen:
                seen.add(t.dest)
                queue.append(t.dest)
    assert seen == set(definition.states)


def test_exactly_the_non_final_states_have_a_way_out(definition):
    for state in definition.states.values():
        assert bool(definition.outgoing(state.name)) is not state.final, state.name


def test_every_role_guard_and_effect_is_known(definition):
    for t in definition.transitions:
        assert t.roles and set(t.roles) <= set(ROLES), t.trigger
        assert set(t.guards) <= set(GUARDS), t.trigger
        assert set(t.effects) <= set(EFFECTS), t.trigger
    actors = {s.actor for s in definition.states.values() if s.actor}
    assert actors <= set(ROLES)


def test_every_state_and_transition_has_a_label(definition):
    assert definition.label
    assert all(s.label and s.label != s.name for s in definition.states.values())
    assert all(t.label for t in definition.transitions)


def test_no_trigger_looks_like_an_auto_transition(definition):
    triggers = [t.trigger for t in definition.transitions]
    assert not [t for t in triggers if t.startswith("to_")]
    assert len(triggers) == len(set(triggers))


EXTRA_TRANSITION = """
  - trigger: {trigger}
    label: Zusätzlich
    source: {source}
    dest: {dest}
    roles: [reviewer]
"""
# name: (edit of membership.yaml, text on the line the error must name (last match), message)
BROKEN = {
    "unknown_guard": (
        lambda s: s.replace("guards: [four_eyes]\n", "guards: [four_eyes, moon_phase]\n", 1),
        "- trigger: reject",
        "unknown guard 'moon_phase'",
    ),
    "unknown_effect": (
        lambda s: s.replace("[mark_submitted]", "[mark_submited]"),
        "- trigger: submit",
        "unknown effect 'mark_submited'",
    ),
    "unknown_role": (
        lambda s: s.replace("roles: [applicant]", "roles: [citizen]", 1),
        "- trigger: submit",
        "unknown role 'citizen'",
    ),
    "unreachable_state": (
        lambda s: s.replace("states:\n", "states:\n  archived: {label: Archiviert, final: true}\n"),
        "archived:",
        "state 'archived' is unreachable",
    ),
    "dead_end_state": (
        lambda s: (
            s.replace("states:\n", "states:\n  parked: {label: Geparkt}\n")
            + EXTRA_TRANSITION.format(trigger="park", source="in_review", dest="parked")
        ),
        "parked: {",
        "state 'parked' is not final and has no way out",
    ),
    "duplicate_trigger": (
        lambda s: (
            s + EXTRA_TRANSITION.format(trigger="approve", source="in_review", dest="approved")
        ),
        "- trigger: approve",  # the last one: the duplicate
        "duplicate trigger 'approve'",
    ),
    "unknown_destination": (
        lambda s: s.replace("dest: rejected", "dest: rejeted"),
        "- trigger: reject",
        "unknown destination state 'rejeted'",
    ),
    "auto_transition_name": (
        lambda s: s.replace("trigger: withdraw", "trigger: to_withdrawn"),
        "- trigger: to_withdrawn",
        "not starting with 'to_'",
    ),
    "missing_state_label": (
        lambda s: s.replace(
            "  withdrawn:\n    label: Zurückgezogen\n    final: true\n",
            "  withdrawn: {final: true}\n",
        ),
        "withdrawn: {final: true}",
        "state 'withdrawn' has no label",
    ),
    "missing_transition_label": (
        lambda s: s.replace("    label: Antrag zurückziehen\n", ""),
        "- trigger: withdraw",
        "transition misses label",
    ),
    "due_not_a_mapping": (
        lambda s: s.replace("due: {days: 28}", "due: 28"),
        "- trigger: request_changes",
        "'due' takes one of days",
    ),
    "due_not_a_number": (
        lambda s: s.replace("due: {days: 28}", "due: {days: vier}"),
        "- trigger: request_changes",
        "'due' takes one of days",
    ),
    "transitions_not_a_list": (
        lambda s: s.split("\ntransitions:")[0] + "\ntransitions: 5\n",
        "name: membership",
        "'transitions' must be a list",
    ),
    "state_name_read_as_boolean": (
        lambda s: s.replace("states:\n", "states:\n  on: {label: An}\n"),
        "on: {label: An}",
        "state name 'True' is not an identifier",
    ),
    "invalid_yaml": (
        lambda s: s.replace("version: 1\n", "version: 1: 2\n"),
        "version: 1: 2",
        "not valid YAML",
    ),
}


def write_broken(folder: Path, name: str) -> tuple[Path, int, str]:
    """Write the broken variant `name` as broken.yaml; return its path, expected line, message."""
    edit, marker, message = BROKEN[name]
    text = edit(MEMBERSHIP_TEXT)
    assert text != MEMBERSHIP_TEXT, "the edit no longer applies to membership/v1.yaml"
    lines = text.splitlines()
    line = max(n for n, content in enumerate(lines, start=1) if marker in content)
    path = folder / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line, message


@pytest.mark.parametrize("name", BROKEN)
def test_broken_definition_names_file_and_line(tmp_path, name):
    path, line, message = write_broken(tmp_path, name)

    with pytest.raises(DefinitionError) as broken:
        load_file(path)

    pattern = re.compile(rf"broken\.yaml:{line}: .*{re.escape(message)}")
    assert any(pattern.search(p) for p in broken.value.problems), broken.value.problems
    assert pattern.search(str(broken.value))


def test_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_bytes(MEMBERSHIP_TEXT.encode("latin-1"))

    with pytest.raises(DefinitionError, match=r"broken\.yaml:1: not UTF-8"):
        load_file(path)


def test_directory_reports_only_the_broken_file(tmp_path):
    (tmp_path / "good.yaml").write_text(MEMBERSHIP_TEXT.replace("version: 1", "version: 2"))
    write_broken(tmp_path, "unknown_guard")

    with pytest.raises(DefinitionError) as broken:
        load_directory(tmp_path)

    assert broken.value.problems and all("broken.yaml" in p for p in broken.value.problems)


def test_same_name_and_version_twice_is_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(MEMBERSHIP_TEXT)

    with pytest.raises(DefinitionError, match="membership v1 also in"):
        load_directory(tmp_path)


def test_check_command_fails_naming_the_broken_file(tmp_path):
    write_broken(tmp_path, "unknown_guard")

    result = CliRunner().invoke(workflows_cli, ["check", "--dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "broken.yaml" in result.output
    assert "unknown guard 'moon_phase'" in result.output


def test_check_command_fails_on_an_empty_folder(tmp_path):
    result = CliRunner().invoke(workflows_cli, ["check", "--dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "no workflow definitions" in result.output


def test_check_command_passes_on_the_real_folder(monkeypatch):
    monkeypatch.delenv("WORKFLOWS_DIR", raising=False)

    result = CliRunner().invoke(workflows_cli, ["check"])

    assert result.exit_code == 0, result.output
    assert "membership v1" in result.output


def test_show_command_describes_the_workflow():
    result = CliRunner().invoke(workflows_cli, ["show", "membership"])

    assert result.exit_code == 0, result.output
    out = result.output
    assert "Beitrittsantrag mit Förderantrag" in out
    assert "proposed_approval" in out and "Bewilligung vorgeschlagen" in out  # states
    assert "send_back: proposed_approval, proposed_rejection -> in_review" in out  # transitions
    assert "roles: reviewer" in out
    assert (
        "guards: four_eyes, single_open_application, early_start_approved_if_begun, budget_left"
        in out
    )
    assert "stateDiagram-v2" in out
    assert "[*] --> draft" in out
    assert "proposed_approval --> approved : approve" in out


def test_show_command_refuses_an_unknown_workflow():
    result = CliRunner().invoke(workflows_cli, ["show", "nonexistent"])

    assert result.exit_code == 1
    assert "membership" in result.output


def test_flask_workflows_check_runs_without_the_app():
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "workflows", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "membership v1" in result.stdout
