"""The history: append-only, hash-chained, and `audit verify` finds what was tampered with."""

import pytest
from engine_support import fire
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from antrag.engine import history, inserts
from antrag.engine.models import Case, HistoryCheckpoint, HistoryEntry
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


def test_each_entry_links_to_the_previous_entry_of_its_case(story):
    newest: dict[int, HistoryEntry] = {}
    for previous, entry in zip(story, story[1:], strict=False):
        assert entry.seq > previous.seq
    for entry in story:
        before = newest.get(entry.case_id)
        assert entry.prev_hash == (before.hash if before else history.GENESIS)
        assert entry.hash == history.entry_hash(entry, entry.prev_hash)
        newest[entry.case_id] = entry
    for case_id, entry in newest.items():
        assert db.session.get(Case, case_id).chain_hash == entry.hash


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

    assert (checked, broken.seq) == (story.index(target), target.seq)
    assert result.exit_code == 1
    assert f"entry #{target.seq}" in result.output


def _next_of_its_case(story, entry):
    return next(e for e in story if e.case_id == entry.case_id and e.seq > entry.seq)


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

    assert broken.seq == _next_of_its_case(story, forged).seq
    assert "previous entry of its case" in broken.reason


def _delete(seq: int) -> None:
    drop_append_only_triggers()
    db.session.execute(text("DELETE FROM history_entry WHERE seq = :seq"), {"seq": seq})
    db.session.commit()


def test_deleted_entry_is_found_by_the_next_entry_of_its_case(story, runner):
    deleted = story[2]
    following = _next_of_its_case(story, deleted)
    _delete(deleted.seq)

    _, broken = history.verify()
    result = runner.invoke(args=["audit", "verify"])

    assert broken.seq == following.seq
    assert "previous entry of its case" in broken.reason
    assert result.exit_code == 1
    assert f"entry #{following.seq}" in result.output


@pytest.mark.parametrize("position", [4, -1])
def test_deleted_newest_entry_of_a_case_is_found(story, runner, position):
    """The case row keeps the hash of its newest entry."""
    seq, case_id = story[position].seq, story[position].case_id
    _delete(seq)

    _, broken = history.verify()
    result = runner.invoke(args=["audit", "verify"])

    assert f"newest entries of case {case_id}" in broken.reason
    assert result.exit_code == 1


def test_sealed_entries_cannot_go_even_with_the_case_row_rewritten(story, runner):
    """A checkpoint notices what the case row alone cannot: a tail removed with its head."""
    assert "checkpoint 1" in runner.invoke(args=["audit", "seal"]).output
    seq, prev_hash, case_id = story[-1].seq, story[-1].prev_hash, story[-1].case_id
    _delete(seq)
    db.session.execute(
        text('UPDATE "case" SET chain_hash = :h WHERE id = :id'), {"h": prev_hash, "id": case_id}
    )
    db.session.commit()

    _, broken = history.verify()

    assert "checkpoint 1" in broken.reason


def test_checkpoints_chain_and_verify(story, runner):
    assert "checkpoint 1" in runner.invoke(args=["audit", "seal"]).output
    assert "no new history entries" in runner.invoke(args=["audit", "seal"]).output
    assert history.verify() == (len(story), None)
    checkpoint = db.session.scalars(select(HistoryCheckpoint)).one()
    assert (checkpoint.after_seq, checkpoint.last_seq) == (0, story[-1].seq)
    assert checkpoint.entries == len(story)


def test_legacy_chain_across_cases_still_verifies(make_application, world):
    """Entries written before 0022 (one chain for all cases) verify, and cases go on."""
    application = make_application("proposed_approval")
    entries = _rewrite_as_legacy_chain()
    assert history.verify() == (len(entries), None)

    fire(application, "approve", world.users.reviewer2)
    db.session.commit()
    count = db.session.scalar(select(func.count(HistoryEntry.id)))
    assert count > len(entries)
    assert history.verify() == (count, None)

    db.session.execute(text("UPDATE history_entry SET comment = 'x' WHERE seq = 2"))
    db.session.commit()
    assert history.verify()[1].seq == 2


def _rewrite_as_legacy_chain() -> list:
    """Chain all entries as the history did before 0022; point the anchor and cases at it."""
    drop_append_only_triggers()
    entries = db.session.scalars(select(HistoryEntry).order_by(HistoryEntry.seq)).all()
    prev = history.GENESIS
    for number, entry in enumerate(entries, start=1):
        db.session.expunge(entry)
        entry.seq, entry.prev_hash = number, prev
        entry.hash = history.entry_hash(entry, prev)
        db.session.execute(
            text("UPDATE history_entry SET seq = :s, prev_hash = :p, hash = :h WHERE id = :id"),
            {"s": number, "p": prev, "h": entry.hash, "id": entry.id},
        )
        db.session.execute(
            text('UPDATE "case" SET chain_hash = :h WHERE id = :id'),
            {"h": entry.hash, "id": entry.case_id},
        )
        prev = entry.hash
    db.session.execute(
        text("UPDATE history_chain_head SET seq = :s, hash = :h"), {"s": len(entries), "h": prev}
    )
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('history_entry_seq', :s)"), {"s": len(entries)})
    db.session.commit()
    return entries


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


def test_seqs_drawn_ahead_go_to_the_entries_in_the_order_they_are_linked(app):
    row = db.session.execute(select(*history.seq_draw(2))).one()
    history.drawn_ahead(row)

    first, second, third = history.next_seq(), history.next_seq(), history.next_seq()

    assert first < second < third
    if db.engine.dialect.name == "postgresql":
        assert (first, second) == tuple(row[1:])  # the third drew its own


def test_a_rolled_back_savepoint_drops_the_seqs_drawn_ahead_in_it(app):
    savepoint = db.session.begin_nested()
    row = db.session.execute(select(*history.seq_draw(2))).one()
    history.drawn_ahead(row)
    savepoint.rollback()  # PostgreSQL released the seal lock drawn with them

    assert not db.session.info.get(history._AHEAD)
    assert history.next_seq() not in row[1:]  # drawn anew, with the lock


def test_an_approval_numbers_the_drafted_notice_before_itself(make_application):
    application = make_application("approved")
    entries = db.session.scalars(select(HistoryEntry).order_by(HistoryEntry.seq)).all()
    approval = next(e for e in entries if e.trigger == "approve")
    notice_start = next(e for e in entries if e.workflow == "funding_notice")

    assert notice_start.seq < approval.seq
    assert approval.case_id == application.case_id
    assert history.verify()[1] is None


def test_rows_written_with_an_entry_are_the_rows_a_core_insert_writes(make_application, world):
    """`insert_now`'s companion rows (a transition's mail): one statement on PostgreSQL,
    the table's own INSERT before the entry elsewhere; the same rows and entry either way."""
    from sql_support import counted_statements

    from antrag.accounts.models import User
    from antrag.engine.models import Case
    from antrag.mail.models import OutboxMessage

    application = make_application("submitted")
    case = db.session.get(Case, application.case_id)
    entry = HistoryEntry(
        case_id=case.id,
        workflow=case.workflow,
        workflow_version=case.workflow_version,
        trigger="note",
        from_state=case.state,
        to_state=case.state,
        actor_id=None,
        actor_name="System",
        actor_role="system",
        inputs=history.canonical_inputs({}),
        created_at=case.updated_at,
    )
    history.link(entry, case.chain_hash)
    mail = [
        {
            "case_id": case.id,
            "template": "t",
            "recipient": f"{n}@x.de",
            "recipient_name": n,
            "subject": "Betreff",
            "body": "Text\n",
        }
        for n in ("a", "b")
    ]
    with counted_statements() as sent:
        inserts.insert_now(entry, ((OutboxMessage.__table__, mail), (User.__table__, [])))
    written = [s for s in sent if s.lstrip().upper().startswith(("INSERT", "WITH"))]
    assert len(written) == (1 if db.engine.dialect.name == "postgresql" else 2)
    db.session.commit()

    written = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "t").order_by(OutboxMessage.id)
    ).all()
    assert [(m.recipient, m.status, m.attempts, m.sent_at) for m in written] == [
        ("a@x.de", "pending", 0, None),
        ("b@x.de", "pending", 0, None),
    ]
    assert all(m.created_at is not None and m.next_attempt_at is not None for m in written)
    assert db.session.get(Case, case.id).chain_hash == entry.hash  # the trigger moved the head
    assert history.verify()[1] is None


def test_a_companion_row_may_not_leave_a_database_default_out():
    from sqlalchemy import Column, Integer, MetaData, Table

    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("given", Integer, default=7, server_default="0"),
        Column("counted", Integer, server_default="0"),
    )
    assert inserts._filled(table, {"counted": 1}) == {"given": 7, "counted": 1}
    with pytest.raises(ValueError, match="database's"):
        inserts._filled(table, {})
