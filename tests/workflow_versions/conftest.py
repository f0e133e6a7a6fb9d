"""Fixtures of the workflow version tests: an editable copy of the definitions, its app.

The version machinery (publishing, refusing edits, migrating cases) is pinned on a
membership workflow with v1 alone, as it was before v2 (revisions) was published;
test_revisions_workflow.py publishes the shipped v2 beside it.
"""

import shutil
from pathlib import Path

import pytest
from databases import base_config

from antrag import create_app
from antrag.extensions import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workflows_dir(tmp_path):
    """A copy of workflows/ with membership v1 alone, that a test may edit as an operator."""
    target = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", target)
    (target / "membership" / "v2.yaml").unlink()
    return target


@pytest.fixture
def config(database_uri, tmp_path, workflows_dir):
    """The test configuration on the copied definitions."""
    return base_config(database_uri, tmp_path) | {
        "SERVER_NAME": "antrag.test",
        "WORKFLOWS_DIR": str(workflows_dir),
    }


def dispose(app) -> None:
    """Close the sessions and connections of `app`."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(config):
    """The app on the copied definitions (overrides conftest's `app`): its cases run on v1."""
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def restart(config):
    """Return a function that starts another app on the (edited) definitions, as a deploy would.

    Its connections are closed at the end of the test.
    """
    started = []

    def start():
        started.append(create_app(config))
        return started[-1]

    yield start
    for other in started:
        dispose(other)
