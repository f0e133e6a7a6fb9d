"""Published workflow versions: recorded fingerprints, refused edits and removals, history."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from databases import base_config
from sqlalchemy import select

from antrag import create_app, engine
from antrag.engine import history
from antrag.engine.definitions import DefinitionError
from antrag.engine.models import HistoryEntry, WorkflowFingerprint
from antrag.extensions import db
from antrag.workflow_cli import workflows_cli


def membership_file(folder: Path, version: int = 1) -> Path:
    return folder / "membership" / f"v{version}.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(workflows_dir, config) -> object:
    uri = config["SQLALCHEMY_DATABASE_URI"]
    args = ["check", "--dir", str(workflows_dir), "--database", uri]
    return CliRunner().invoke(workflows_cli, args)


def test_a_version_is_published_with_its_first_case(app, make_application):
    assert db.session.scalars(select(WorkflowFingerprint)).all() == []

    make_application("in_review")

    [row] = db.session.scalars(select(WorkflowFingerprint)).all()
    definition = engine.workflows().get("membership", 1)
    assert (row.workflow, row.version, row.fingerprint) == ("membership", 1, definition.fingerprint)
    assert row.source.endswith("membership/v1.yaml") and '"four_eyes"' in row.canonical


def test_every_history_entry_records_the_fingerprint_it_ran_under(app, make_application):
    application = make_application("in_review")
    fingerprint = engine.workflows().get("membership", 1).fingerprint

    entries = db.session.scalars(
        select(HistoryEntry).filter_by(case_id=application.case_id).order_by(HistoryEntry.seq)
    ).all()

    assert [e.trigger for e in entries] == ["start", "submit", "start_review"]
    assert {e.definition_fingerprint for e in entries} == {fingerprint}
    assert history.verify() == (3, None)


def test_the_fingerprint_is_covered_by_the_entry_hash(app, make_application):
    entry = db.session.scalars(
        select(HistoryEntry).filter_by(case_id=make_application().case_id)
    ).one()
    genuine = history.entry_hash(entry, entry.prev_hash)
    entry.definition_fingerprint = "0" * 64  # only in memory: the history is append-only

    assert history.entry_hash(entry, entry.prev_hash) != genuine
    db.session.expire(entry)


def test_editing_a_used_version_in_place_stops_start_up_naming_file_version_and_change(
    app, config, workflows_dir, make_application
):
    make_application("in_review")
    path = membership_file(workflows_dir)
    edit(
        path,
        "guards: [four_eyes, single_open_application, early_start_approved_if_begun, budget_left]",
        "guards: [four_eyes, single_open_application, early_start_approved_if_begun]",
    )

    with pytest.raises(DefinitionError) as refused:
        create_app(config)

    [problem] = refused.value.problems
    assert "membership/v1.yaml" in problem and "membership version 1 is published" in problem
    assert "transition 'approve': guards" in problem and "budget_left" in problem
    assert "workflows/membership/v2.yaml" in problem  # where to publish the change instead


def test_check_command_refuses_the_edited_version_too(app, config, workflows_dir, make_application):
    make_application("in_review")
    edit(membership_file(workflows_dir), "label: In Prüfung\n", "label: Wird geprüft\n")

    result = check(workflows_dir, config)

    assert result.exit_code == 1
    assert "membership/v1.yaml:1: workflow membership version 1 is published" in result.output
    assert 'state \'in_review\': label "In Prüfung" -> "Wird geprüft"' in result.output


def test_comments_and_unused_versions_may_change(
    app, config, workflows_dir, make_application, restart
):
    make_application("in_review")
    edit(membership_file(workflows_dir), "name: membership\n", "# edited\nname: membership\n")
    edit(workflows_dir / "mentoring" / "v1.yaml", "label: ", "label: Neu – ")  # no case yet

    restart()  # does not raise
    result = check(workflows_dir, config)

    assert result.exit_code == 0, result.output
    assert "membership v1" in result.output and "(published)" in result.output


def test_bumping_the_version_in_the_same_file_is_refused_with_the_count(
    app, config, workflows_dir, make_application, world
):
    make_application("in_review")
    make_application("draft", municipality=world.andernach)
    old = membership_file(workflows_dir)
    edit(old, "version: 1\n", "version: 2\n")
    old.rename(membership_file(workflows_dir, 2))

    with pytest.raises(DefinitionError) as refused:
        create_app(config)
    result = check(workflows_dir, config)

    [problem] = refused.value.problems
    assert "workflow membership version 1 is missing" in problem
    assert "2 case(s) run on it" in problem
    assert "flask workflows migrate membership --from 1 --to 2" in problem
    assert result.exit_code == 1 and "2 case(s) run on it" in result.output


def test_a_new_version_beside_the_old_one_starts_new_cases(app, workflows_dir, world, restart):
    from antrag.applications.models import Application

    v2 = membership_file(workflows_dir, 2)
    shutil.copy(membership_file(workflows_dir), v2)
    edit(v2, "version: 1\n", "version: 2\n")
    second = restart()

    round_id, city_id, user_id = world.round.id, world.speyer.id, world.users.speyer.id
    with second.app_context():
        from antrag.accounts.models import User

        applicant = db.session.get(User, user_id)
        application = Application(round_id=round_id, municipality_id=city_id, created_by=applicant)
        case = engine.start("membership", application, applicant)
        db.session.commit()
        assert case.workflow_version == 2
        assert engine.workflows().get("membership", 1).version == 1  # still loaded


def test_a_startup_on_an_unmigrated_database_does_not_check(tmp_path, workflows_dir):
    uri = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app(base_config(uri, tmp_path) | {"WORKFLOWS_DIR": str(workflows_dir)})

    assert app.extensions["antrag.workflows"].current("membership").version == 1
    assert not (tmp_path / "fresh.db").exists()  # start-up did not create the file
