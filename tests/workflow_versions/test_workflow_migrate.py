"""`flask workflows migrate`: running cases move to a new version, or nothing moves."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from antrag.engine import history
from antrag.engine.calendar import due_at
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db
from antrag.workflow_cli import workflows_cli


@pytest.fixture
def cases(app, make_application, world):
    """One application in review, one with changes requested (due in 28 days), on v1."""
    return (
        make_application("in_review").case_id,
        make_application("changes_requested", municipality=world.andernach).case_id,
    )


# v2 also closes an unanswered change request when its due date has passed.
TIMEOUT = """
  - trigger: expire_changes
    label: Frist abgelaufen
    source: changes_requested
    dest: withdrawn
    roles: [system]
    timeout: true
    effects: [release_round_slot]
"""


@pytest.fixture
def version_two(app, workflows_dir, cases, restart):
    """Publish v2 beside v1: `in_review` is called `under_review`, changes are due in 14 days."""
    v1 = (workflows_dir / "membership" / "v1.yaml").read_text(encoding="utf-8")
    v2 = (
        v1.replace("version: 1\n", "version: 2\n")
        .replace("in_review", "under_review")
        .replace("due: {days: 28}", "due: {days: 14}")
        + TIMEOUT
    )
    (workflows_dir / "membership" / "v2.yaml").write_text(v2, encoding="utf-8")
    second = restart()
    with second.app_context():
        yield second


def migrate(app, *args):
    result = app.test_cli_runner().invoke(
        workflows_cli, ["migrate", "membership", "--from", "1", "--to", "2", *args]
    )
    db.session.remove()  # as the end of the command's process would
    return result


def here(obj):
    """Return `obj` loaded in the current app's session.

    The world is built in the first app's session; touching its expired attributes under
    another app instance would open a connection of the first app that nothing closes.
    """
    return db.session.get(type(obj), inspect(obj).identity[0])


def states(case_ids):
    db.session.expire_all()
    return [
        (c.workflow_version, c.state, c.version)
        for c in (db.session.get(Case, i) for i in case_ids)
    ]


def test_unmapped_states_are_refused_and_nothing_moves(version_two, cases):
    before = states(cases)

    result = migrate(version_two)

    assert result.exit_code == 1
    assert "state 'in_review' (1 case(s)) does not exist in membership v2" in result.output
    assert "--map in_review=NEW" in result.output
    assert states(cases) == before


def test_a_map_to_an_unknown_state_is_refused(version_two, cases):
    result = migrate(version_two, "--map", "in_review=nirgends")

    assert result.exit_code == 1
    assert "membership v2 has no state 'nirgends'" in result.output


def test_dry_run_shows_the_moves_and_changes_nothing(version_two, cases):
    review, changes = cases
    before = states(cases)

    result = migrate(version_two, "--map", "in_review=under_review", "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"case {review}: in_review -> under_review" in result.output
    assert f"case {changes}: changes_requested -> changes_requested  due " in result.output
    assert "membership: would move 2 case(s) from v1 to v2" in result.output
    assert states(cases) == before
    assert db.session.scalar(select(HistoryEntry).filter_by(trigger="migrate")) is None


def test_migrate_moves_the_cases_with_a_history_entry_each(version_two, cases):
    review, changes = cases
    (_, _, review_version), (_, _, changes_version) = states(cases)
    fingerprint = version_two.extensions["antrag.workflows"].get("membership", 2).fingerprint

    result = migrate(version_two, "--map", "in_review=under_review")

    assert result.exit_code == 0, result.output
    assert "membership: moves 2 case(s) from v1 to v2 as System (Versionswechsel)" in result.output
    assert states(cases) == [
        (2, "under_review", review_version + 1),
        (2, "changes_requested", changes_version + 1),
    ]
    entries = db.session.scalars(
        select(HistoryEntry).filter_by(trigger="migrate").order_by(HistoryEntry.case_id)
    ).all()
    assert [(e.case_id, e.from_state, e.to_state) for e in entries] == [
        (review, "in_review", "under_review"),
        (changes, "changes_requested", "changes_requested"),
    ]
    entry = entries[0]
    assert (entry.workflow_version, entry.actor_name, entry.actor_role) == (
        2,
        "System (Versionswechsel)",
        "system",
    )
    assert json.loads(entry.inputs) == {"from_version": 1, "to_version": 2}
    assert entry.definition_fingerprint == fingerprint
    assert history.verify()[1] is None


def test_due_dates_are_recomputed_by_the_new_version(version_two, cases):
    _, changes = cases
    requested = db.session.scalar(
        select(HistoryEntry.created_at).filter_by(case_id=changes, trigger="request_changes")
    )
    before = db.session.get(Case, changes).due_at
    assert before == due_at(requested, 28, "days", False)

    migrate(version_two, "--map", "in_review=under_review")

    db.session.expire_all()
    after = db.session.get(Case, changes).due_at
    assert after == due_at(requested, 14, "days", False) and after < before


def test_after_the_move_the_old_file_may_go_and_the_cases_run_on(
    version_two, cases, workflows_dir, world, restart
):
    from antrag import engine

    migrate(version_two, "--map", "in_review=under_review")
    (workflows_dir / "membership" / "v1.yaml").unlink()

    third = restart()  # no case runs on v1 any more: start-up accepts

    review, _ = cases
    with third.app_context():
        case = db.session.get(Case, review)
        engine.fire(
            review,
            "propose_rejection",
            here(world.users.reviewer),
            version=case.version,
            comment="Nicht förderfähig.",
        )
        db.session.commit()
        assert db.session.get(Case, review).state == "proposed_rejection"


def test_an_actor_must_be_an_admin_account(version_two, cases, world):
    refused = migrate(version_two, "--map", "in_review=under_review", "--actor", "nobody@x.de")
    admin = here(world.users.admin)
    email, name = admin.email, admin.display_name
    named = migrate(version_two, "--map", "in_review=under_review", "--actor", email)

    assert refused.exit_code == 2 and "no admin account" in refused.output
    assert named.exit_code == 0, named.output
    assert name in named.output


def test_the_timer_runs_the_moved_cases_on_the_new_version(version_two, cases):
    from antrag.engine.timer import tick

    _, changes = cases
    migrate(version_two, "--map", "in_review=under_review")
    due = db.session.get(Case, changes).due_at

    report = tick(due + timedelta(minutes=1))

    assert report.fired == [(changes, "expire_changes")]
    assert db.session.get(Case, changes).state == "withdrawn"


def test_the_case_page_shows_the_move_and_the_rules_of_each_entry(version_two, cases, world):
    from conftest import IsolatedClient, WebClient

    from antrag.applications.models import Application

    review, _ = cases
    migrate(version_two, "--map", "in_review=under_review")
    application_id = db.session.scalar(select(Application.id).filter_by(case_id=review))
    fingerprint = version_two.extensions["antrag.workflows"].get("membership", 2).fingerprint
    version_two.test_client_class = IsolatedClient
    web = WebClient(version_two.test_client())
    web.login(here(world.users.reviewer))

    response = web.get(f"/antraege/{application_id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "Auf Version 2 umgestellt" in page
    assert f"v2 · {fingerprint[:12]}" in page and "v1 · " in page
