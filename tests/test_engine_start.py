"""Starting a case: the case and a plain subject are written with one INSERT each (issue 14).

They are then in the session as if its flush had written them: loaded (nothing is read
back), and gone again if their transaction or savepoint rolls back.
"""

from sql_support import counted_statements
from sqlalchemy import inspect

from antrag import engine
from antrag.extensions import db
from antrag.funding.models import FINANCING_TYPE


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
