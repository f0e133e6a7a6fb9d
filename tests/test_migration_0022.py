"""Migration 0022 on existing data: the one chain of old entries verifies, cases chain on."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from databases import Template, base_config
from flask_migrate import upgrade
from sqlalchemy import column, select, table

from antrag import create_app
from antrag.engine import history
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db

NOW = datetime(2026, 11, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)  # stored as naive UTC


@pytest.fixture
def at_0016(tmp_path):
    """An app on a database migrated up to 0016 only."""
    uri = Template.empty(tmp_path)
    app = create_app(base_config(uri, tmp_path))
    with app.app_context():
        upgrade(revision="0016")
        yield app
        db.session.remove()
        db.engine.dispose()
    Template.drop(uri)


def insert(table_name: str, /, **values) -> int:
    row = table(table_name, column("id"), *[column(k) for k in values])
    return db.session.execute(row.insert().values(**values).returning(row.c.id)).scalar_one()


def legacy_history(cases: list[int], steps: int) -> list[str]:
    """Write entries as before 0022: one chain across all cases, the head row following it."""
    prev, seq, hashes = history.GENESIS, 0, []
    for step in range(steps):
        for case_id in cases:
            seq += 1
            fields = {
                "seq": seq,
                "case_id": case_id,
                "workflow": "membership",
                "workflow_version": 1,
                "trigger": "start" if step == 0 else f"step{step}",
                "from_state": None if step == 0 else "draft",
                "to_state": "draft",
                "actor_id": None,
                "actor_name": "System",
                "actor_role": "system",
                "comment": None,
                "inputs": "{}",
                "created_at": NOW + timedelta(minutes=seq),
            }
            # read back as aware UTC, as the app hashes it
            aware = fields | {"created_at": fields["created_at"].replace(tzinfo=UTC)}
            digest = history.entry_hash(SimpleNamespace(**aware), prev)
            insert("history_entry", **fields, prev_hash=prev, hash=digest)
            prev = digest
            hashes.append(digest)
    head = table("history_chain_head", column("id"), column("seq"), column("hash"))
    db.session.execute(head.update().values(seq=seq, hash=prev))
    return hashes


def test_old_entries_verify_and_cases_chain_on(at_0016):
    cases = [
        insert(
            "case",
            workflow="membership",
            workflow_version=1,
            state="draft",
            version=3,
            created_at=NOW,
            updated_at=NOW,
        )
        for _ in range(2)
    ]
    hashes = legacy_history(cases, steps=3)
    db.session.commit()

    upgrade(revision="0022")

    assert history.verify() == (6, None)
    heads = dict(db.session.execute(select(Case.id, Case.chain_hash)).all())
    assert heads == {cases[0]: hashes[4], cases[1]: hashes[5]}
    db.session.commit()
    upgrade()  # the code below appends as today's (the database moves the chain head)

    entry = history.append(
        HistoryEntry(
            case_id=cases[0],
            workflow="membership",
            workflow_version=1,
            trigger="later",
            from_state="draft",
            to_state="draft",
            actor_id=None,
            actor_name="System",
            actor_role="system",
            comment=None,
            inputs="{}",
            created_at=(NOW + timedelta(days=1)).replace(tzinfo=UTC),
        )
    )
    db.session.commit()

    assert entry.seq == 7 and entry.prev_hash == hashes[4]
    assert history.verify() == (7, None)
