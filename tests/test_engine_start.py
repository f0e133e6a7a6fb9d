"""Starting a case: the case and a plain subject are written with one INSERT each (issue 14).

They are then in the session as if its flush had written them: loaded (nothing is read
back), and gone again if their transaction or savepoint rolls back. On PostgreSQL a case
that a transition's effect starts (the approval's notice) is written with its subject, the
subject's search document and its first entry in one statement.
"""

from databases import on_postgres
from sql_support import counted_statements
from sqlalchemy import inspect, select

from antrag import engine
from antrag.audit.snapshot import snapshot_of
from antrag.engine import history
from antrag.engine.history import GENESIS
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.funding.models import FINANCING_TYPE, FundingNotice
from antrag.search.models import SearchDocument


def _approve(application, world):
    return engine.fire(
        application.case_id, "approve", world.users.reviewer2, version=application.case.version
    )


def test_the_drafted_notice_and_its_case_are_loaded_without_reading_them_back(
    make_application, world
):
    application = make_application("proposed_approval")  # proposed by `reviewer`
    notice = _approve(application, world).made["funding_notice"]

    with counted_statements() as statements:
        seen = (notice.id, notice.created_at, notice.financing_type, notice.issued_at)
        seen += (notice.case.state, notice.case.version, notice.case.chain_hash)

    assert statements == []
    assert seen[2] == FINANCING_TYPE and seen[3] is None and seen[4] == "drafted"
    assert inspect(notice).persistent and inspect(notice.case).persistent
    db.session.commit()
    db.session.expire_all()
    assert notice.case.chain_hash == seen[6] and notice.created_at == seen[1]


def test_a_rolled_back_start_leaves_nothing_behind_in_the_session(make_application, world):
    application = make_application("proposed_approval")
    savepoint = db.session.begin_nested()
    notice = _approve(application, world).made["funding_notice"]
    case = notice.case
    savepoint.rollback()

    assert inspect(notice).transient and inspect(case).transient
    # Again (the application's case was moved with a Core UPDATE, which a savepoint's
    # rollback does not expire): SQLite hands out the same ids, free for the session to take.
    db.session.expire_all()
    again = _approve(application, world).made["funding_notice"]
    db.session.commit()
    assert again.file_reference == notice.file_reference and again.case.state == "drafted"


def test_a_transition_undone_by_its_savepoint_leaves_the_case_as_the_database_has_it(
    make_application, world
):
    """The compare-and-set writes with Core: a rolled-back savepoint must not leave the case
    object in the state it never reached (as the payment import's savepoints could)."""
    application = make_application("submitted")
    case = application.case
    before = (case.state, case.version, case.chain_hash)

    try:
        with db.session.begin_nested():
            engine.fire(case.id, "start_review", world.users.reviewer, version=case.version)
            assert case.state == "in_review"
            raise LookupError("undone")
    except LookupError:
        pass

    assert (case.state, case.version, case.chain_hash) == before
    db.session.expire_all()
    assert (case.state, case.version, case.chain_hash) == before


def test_the_notice_its_case_document_and_entry_are_one_statement_on_postgres(
    make_application, world
):
    """PostgreSQL: the approval's compare-and-set drew the ids of the notice and its case, so
    the four rows go in one statement (SQLite: one INSERT each, no round trips to save)."""
    application = make_application("proposed_approval")

    with counted_statements() as statements:
        notice = _approve(application, world).made["funding_notice"]

    writes = [s for s in statements if "INSERT INTO funding_notice" in s]
    assert len(writes) == 1
    together = ('INSERT INTO "case"', "INSERT INTO search_document", "INSERT INTO history_entry")
    if on_postgres():
        assert all(part in writes[0] for part in together)
        assert "RETURNING" not in writes[0]  # every id was drawn: nothing to read back
        assert not [s for s in statements if s.lstrip().startswith('INSERT INTO "case"')]
        assert not [s for s in statements if s.lstrip().startswith("INSERT INTO search_document")]
    else:
        assert not any(part in writes[0] for part in together)
    assert inspect(notice).persistent and notice.id is not None


def test_the_started_case_chain_and_document_are_right_after_one_statement(make_application, world):
    """The entry's trigger moved the head of the case inserted beside it, the entry covers
    the notice as written, the document points at both, and the whole history verifies."""
    application = make_application("proposed_approval")
    notice = _approve(application, world).made["funding_notice"]
    head = notice.case.chain_hash
    db.session.commit()
    db.session.expire_all()

    (entry,) = db.session.scalars(select(HistoryEntry).filter_by(case_id=notice.case_id)).all()
    assert entry.prev_hash == GENESIS and entry.trigger == "start"
    assert notice.case.chain_hash == entry.hash == head
    assert (entry.subject_snapshot, entry.subject_hash) == snapshot_of(notice)
    assert entry.hash == history.entry_hash(entry, GENESIS)
    document = db.session.scalars(
        select(SearchDocument).filter_by(kind="funding_notice", ref_id=notice.id)
    ).one()
    assert (document.case_id, document.reference) == (notice.case_id, notice.file_reference)
    assert document.municipality_id == notice.municipality_id
    assert history.verify()[1] is None


def test_ids_drawn_in_a_rolled_back_savepoint_are_not_used_again(make_application, world):
    application = make_application("proposed_approval")
    savepoint = db.session.begin_nested()
    first = _approve(application, world).made["funding_notice"]
    ids = (first.id, first.case_id)
    savepoint.rollback()
    db.session.expire_all()

    again = _approve(application, world).made["funding_notice"]
    db.session.commit()

    if on_postgres():  # sequences do not roll back: the second approval drew new ids
        assert (again.id, again.case_id) != ids
    assert db.session.get(FundingNotice, again.id).case.state == "drafted"
    assert history.verify()[1] is None
