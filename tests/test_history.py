"""The history: append-only, hash-chained, and `audit verify` finds what was tampered with."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from antrag.engine import history
from antrag.engine.models import HistoryEntry
from antrag.extensions import db


@pytest.fixture
def story(make_application, world):
    """Two whole stories: one application approved, one rejected (5 entries each).

    The approval also starts the cases that follow it (the funding notice, …).
    """
    make_application("approved")
    make_application("rejected", world.andernach)
    return db.session.scalars(select(HistoryEntry).order_by(HistoryEntry.seq)).all()


def drop_append_only_triggers() -> None:
    """Do what an attacker with database access would do first."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER history_entry_no_change ON history_entry"))
    else:
        db.session.execute(text("DROP TRIGGER history_entry_no_update"))
        db.session.execute(text("DROP TRIGGER history_entry_no_delete"))
    db.session.commit()


def test_chain_verifies_after_the_story(story):
    assert sum(e.workflow == "membership" for e in story) == 10
    assert history.verify() == (len(story), None)


def test_audit_verify_passes_after_the_story(story, runner):
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert f"{len(story)} history entries verified" in result.output


def test_each_entry_links_to_the_previous_one(story):
    assert story[0].prev_hash == history.GENESIS
    for previous, entry in zip(story, story[1:], strict=False):
        assert entry.seq == previous.seq + 1
        assert entry.prev_hash == previous.hash
        assert entry.hash == history.entry_hash(entry, entry.prev_hash)


def test_tampered_comment_is_found(story, runner):
    target = next(e for e in story if e.comment)  # the proposal's reason
    drop_append_only_triggers()
    db.session.execute(
        text("UPDATE history_entry SET comment = 'Alles bestens.' WHERE seq = :seq"),
        {"seq": target.seq},
    )
    db.session.commit()

    checked, broken = history.verify()
    result = runner.invoke(args=["audit", "verify"])

    assert (checked, broken.seq) == (target.seq - 1, target.seq)
    assert result.exit_code == 1
    assert f"entry #{target.seq}" in result.output


def test_rewritten_entry_with_recomputed_hash_breaks_the_next_link(story):
    forged = story[3]
    db.session.expunge(forged)  # edit a detached copy; the ORM would refuse the change
    drop_append_only_triggers()
    forged.comment = "Alles bestens."
    db.session.execute(
        text("UPDATE history_entry SET comment = :c, hash = :h WHERE id = :id"),
        {"c": forged.comment, "h": history.entry_hash(forged, forged.prev_hash), "id": forged.id},
    )
    db.session.commit()

    _, broken = history.verify()

    assert broken.seq == forged.seq + 1
    assert "predecessor" in broken.reason


@pytest.mark.parametrize(("position", "reason"), [(4, "missing"), (-1, "newest entries")])
def test_deleted_entry_is_found(story, runner, position, reason):
    seq = story[position].seq
    drop_append_only_triggers()
    db.session.execute(text("DELETE FROM history_entry WHERE seq = :seq"), {"seq": seq})
    db.session.commit()

    _, broken = history.verify()
    result = runner.invoke(args=["audit", "verify"])

    assert broken.seq == seq
    assert reason in broken.reason
    assert result.exit_code == 1
    assert f"entry #{seq}" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE history_entry SET comment = 'x' WHERE seq = 1",
        "DELETE FROM history_entry WHERE seq = 1",
    ],
)
def test_database_refuses_changing_the_history(story, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()

    assert history.verify() == (len(story), None)


def test_orm_refuses_changing_an_entry(story):
    story[1].comment = "geändert"

    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_deleting_an_entry(story):
    db.session.delete(story[1])

    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
