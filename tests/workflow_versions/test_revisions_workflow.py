"""Membership v2 (revisions) beside v1: v1 cases keep their behaviour until migrated."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from antrag import engine
from antrag.applications.models import Application
from antrag.applications.revisions import revisions_of
from antrag.audit import subjects
from antrag.engine import history
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.workflow_cli import workflows_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def v1_cases(app, make_application, world):
    """Running v1 cases (one submitted, one with changes requested), as plain ids.

    Ids only: touching the first app's objects under the second app would open a connection
    of the first app that nothing closes (see test_workflow_migrate.here).
    """
    submitted = make_application("submitted")
    changes = make_application("changes_requested", municipality=world.andernach)
    return {
        "submitted": submitted.id,
        "changes": changes.id,
        "round": world.round.id,
        "andernach": world.andernach.id,
        "pirmasens": world.pirmasens.id,
        "andernach_user": world.users.andernach.id,
        "pirmasens_user": world.users.pirmasens.id,
    }


@pytest.fixture
def published(workflows_dir, v1_cases, restart):
    """The app after deploying the shipped v2 beside v1."""
    shutil.copy(ROOT / "workflows" / "membership" / "v2.yaml", workflows_dir / "membership")
    second = restart()
    with second.app_context():
        yield second


def _fire(case_id, trigger, actor, comment=None):
    case = db.session.get(Case, case_id)
    engine.fire(case.id, trigger, actor, version=case.version, comment=comment)
    db.session.commit()


def _user(user_id: int):
    from antrag.accounts.models import User

    return db.session.get(User, user_id)


def test_a_v1_submission_writes_no_revision(v1_cases):
    submitted = db.session.get(Application, v1_cases["submitted"])

    assert submitted.case.workflow_version == 1
    assert revisions_of(submitted.id) == []
    templates = db.session.scalars(select(OutboxMessage.template)).all()
    assert "application_received" in templates and "application_receipt" not in templates


def test_new_cases_start_on_v2_while_v1_cases_run_on(published, v1_cases):
    changes = db.session.get(Application, v1_cases["changes"])

    _fire(changes.case_id, "resubmit", _user(v1_cases["andernach_user"]))

    assert db.session.get(Case, changes.case_id).workflow_version == 1
    assert revisions_of(changes.id) == []  # v1 keeps its old behaviour unless migrated
    applicant = _user(v1_cases["pirmasens_user"])
    fresh = Application(
        round_id=v1_cases["round"], municipality_id=v1_cases["pirmasens"], created_by=applicant
    )
    case = engine.start("membership", fresh, applicant)
    db.session.commit()
    assert case.workflow_version == 2
    assert db.session.get(Application, v1_cases["submitted"]).case.workflow_version == 1


def test_migrate_moves_running_v1_cases_to_v2_without_a_map(published, v1_cases):
    submitted_id, changes_id = v1_cases["submitted"], v1_cases["changes"]
    runner = published.test_cli_runner()

    dry = runner.invoke(
        workflows_cli, ["migrate", "membership", "--from", "1", "--to", "2", "--dry-run"]
    )
    result = runner.invoke(workflows_cli, ["migrate", "membership", "--from", "1", "--to", "2"])
    db.session.remove()

    assert dry.exit_code == 0 and "would move 2 case(s) from v1 to v2" in dry.output
    assert result.exit_code == 0, result.output
    cases = [db.session.get(Application, i).case for i in (submitted_id, changes_id)]
    assert [(c.workflow_version, c.state) for c in cases] == [
        (2, "submitted"),
        (2, "changes_requested"),
    ]
    moved = db.session.scalars(select(HistoryEntry).filter_by(trigger="migrate")).all()
    assert len(moved) == 2 and history.verify()[1] is None


def test_a_migrated_case_records_its_next_submission_as_a_revision(published, v1_cases):
    runner = published.test_cli_runner()
    runner.invoke(workflows_cli, ["migrate", "membership", "--from", "1", "--to", "2"])
    db.session.remove()
    case_id = db.session.get(Application, v1_cases["changes"]).case_id

    _fire(case_id, "resubmit", _user(v1_cases["andernach_user"]))

    [revision] = revisions_of(v1_cases["changes"])
    assert (revision.number, revision.trigger) == (1, "resubmit")
    assert revision.content()["application"]["municipality"]["id"] == v1_cases["andernach"]
    assert subjects.check().mismatches == []
    mail = db.session.scalars(select(OutboxMessage).filter_by(template="application_receipt")).one()
    assert mail.recipient == "digital@andernach.de"
