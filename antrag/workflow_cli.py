"""`flask workflows check|show`: usable even when a broken definition stops the app.

Registered as a Flask CLI plugin (see pyproject.toml), so it runs without create_app().
"""

import os
import sys
from pathlib import Path

import click

from config import Config

from . import features
from .engine.definitions import DefinitionError, WorkflowDefinition, load_directory


def _directory(given: str | None) -> Path:
    return Path(given or os.environ.get("WORKFLOWS_DIR") or Config.WORKFLOWS_DIR)


@click.group("workflows")
def workflows_cli():
    """Validate and describe the workflow definitions."""


@workflows_cli.command("check")
@click.option("--dir", "directory", help="Folder with the *.yaml definitions.")
def check(directory):
    """Validate every definition; exit 1 and list the reasons if one is broken."""
    features.load()
    path = _directory(directory)
    try:
        definitions = load_directory(path)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    for d in definitions:
        click.echo(
            f"ok  {d.path}  {d.name} v{d.version}: {len(d.states)} states, {len(d.transitions)} transitions"
        )


@workflows_cli.command("show")
@click.argument("name")
@click.option("--dir", "directory", help="Folder with the *.yaml definitions.")
def show(name, directory):
    """Print states, transitions, roles, guards and a Mermaid diagram of workflow NAME."""
    features.load()
    try:
        definitions = load_directory(_directory(directory))
    except DefinitionError as exc:
        click.echo("\n".join(exc.problems), err=True)
        sys.exit(1)
    matching = sorted((d for d in definitions if d.name == name), key=lambda d: d.version)
    if not matching:
        click.echo(
            f"No workflow named {name!r}. Known: {', '.join(sorted({d.name for d in definitions}))}",
            err=True,
        )
        sys.exit(1)
    click.echo(describe(matching[-1]))


def describe(d: WorkflowDefinition) -> str:
    """Return a plain-text description of a definition followed by its Mermaid diagram."""
    lines = [f"{d.label} ({d.name}, version {d.version}, subject: {d.subject})", "", "States:"]
    for state in d.state_order():
        s = d.states[state]
        flags = " [final]" if s.final else (f" [next: {s.actor}]" if s.actor else "")
        initial = " [initial]" if state == d.initial else ""
        lines.append(f"  {s.name:<22} {s.label}{initial}{flags}")
    lines += ["", "Transitions:"]
    for t in d.transitions:
        lines.append(f"  {t.trigger}: {', '.join(t.sources)} -> {t.dest}  ({t.label})")
        lines.append(f"      roles: {', '.join(t.roles)}")
        if t.guards:
            lines.append(f"      guards: {', '.join(t.guards)}")
        if t.effects:
            lines.append(f"      effects: {', '.join(t.effects)}")
        if t.comment == "required":
            lines.append(f"      requires: {t.comment_label}")
        if t.due:
            lines.append(f"      due: {t.due.amount} {t.due.unit}")
    lines += ["", mermaid(d)]
    return "\n".join(lines)


def mermaid(d: WorkflowDefinition) -> str:
    """Return the workflow as a Mermaid `stateDiagram-v2`."""
    lines = ["stateDiagram-v2", f"    [*] --> {d.initial}"]
    for state in d.state_order():
        lines.append(f"    {state} : {d.states[state].label}")
    for t in d.transitions:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest} : {t.trigger}")
    for s in d.states.values():
        if s.final:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines)
