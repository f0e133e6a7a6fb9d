"""What one API transition sends to the database (issue 14): pinned, so that it stays lean.

The figures are the statements of the request (without BEGIN/COMMIT/SAVEPOINT), on SQLite
and PostgreSQL alike; `bench/README.md` keeps the history of how they came down.
"""

import pytest
from api_support import token_for
from databases import on_postgres
from sql_support import counted_statements
from sqlalchemy import select

from antrag.engine import records
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.funding.models import FundingNotice
from antrag.mail.models import OutboxMessage

# The bearer token with its user, the application with its projects and attachments, the
# compare-and-set of the case, the history entry, the revisions of the answer (an
# application in review has no notice: its answer does not look for one). PostgreSQL draws
# the entry's seq with the application and, as nothing runs between them, moves the case
# and writes the entry (and a transition's mail) in one statement.
START_REVIEW = 4 if on_postgres() else 5
# `approve` also drafts the notice (the file reference, its case, the notice, its search
# document, its history entry), reserves the budget with its ledger row, looks for a mentor
# (their loads with who was tried, one statement) and flags the mentoring gap (one upsert),
# and mails the city (its address, the outbox row); the answer links the drafted notice
# (`links.notice`) as the engine handed it over, without asking for it. PostgreSQL draws
# the seqs of both history entries (the notice's first, the approval's) in the
# compare-and-set, moves the round's budget and writes the ledger row in one statement
# (SQLite: two; it counts seqs on under its write lock anyway), and writes the outbox row
# with the approval's history entry (SQLite: two). PostgreSQL also draws the ids of the
# notice and its case and takes the file reference in the compare-and-set, and writes the
# case, the notice, its search document and its history entry in one statement (SQLite:
# the counter's UPDATE and four INSERTs, without round trips). PostgreSQL draws what the
# guards, the mentor's proposal and the mail read with the application's load (the proposer,
# the city's other open applications, the mentors' loads, the city's accounts:
# `engine.prefetch`), which SQLite reads in four statements without round trips.
APPROVE = 8 if on_postgres() else 18


def _post(client, token, application, trigger, version, comment=None):
    body = {"trigger": trigger, "version": version}
    if comment:
        body["comment"] = comment
    response = client.post(
        f"/api/v1/applications/{application.id}/transitions",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    return response.get_json()


def _sql(statements) -> list[str]:
    """The statements but transaction control and the token's last use (noted at most once
    a minute, so not part of a transition's cost)."""
    skip = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK", "UPDATE API_TOKEN")
    return [s.strip() for s in statements if not s.strip().upper().startswith(skip)]


@pytest.fixture
def tokens(world):
    return {name: token_for(getattr(world.users, name), name) for name in ("reviewer", "reviewer2")}


def test_start_review_sends_five_statements(client, make_application, tokens):
    application = make_application("submitted")
    version = application.case.version

    with counted_statements() as statements:
        body = _post(client, tokens["reviewer"], application, "start_review", version)

    assert body["state"] == "in_review"
    assert len(_sql(statements)) <= START_REVIEW, "\n".join(_sql(statements))
    assert application.case.chain_hash == db.session.scalar(
        select(HistoryEntry.hash).order_by(HistoryEntry.seq.desc()).limit(1)
    )


def test_approve_drafts_the_notice_in_few_statements(client, make_application, tokens, world):
    # Another approval first: the year's file reference counter and the notice's workflow
    # version are on record, as on any day but the first.
    make_application("approved", municipality=world.andernach)
    application = make_application("proposed_approval")  # proposed by `reviewer` (STEPS)
    version = application.case.version

    with counted_statements() as statements:
        body = _post(client, tokens["reviewer2"], application, "approve", version)

    sql = _sql(statements)
    assert body["state"] == "approved"
    assert len(sql) <= APPROVE, "\n".join(sql)
    # No seq is drawn on its own: the load and the compare-and-set drew them all.
    assert not [s for s in sql if s.startswith("SELECT pg_advisory_xact_lock_shared")]
    # The file reference comes back with its UPDATE; the new notice's search document is
    # written without a DELETE before it; the workflow version is on record already.
    assert not [s for s in sql if s.startswith("SELECT file_reference_counter")]
    if on_postgres():  # taken in the compare-and-set, with the ids of the notice and its case
        assert not [s for s in sql if s.startswith("UPDATE file_reference_counter")]
    assert not [s for s in sql if s.startswith("DELETE FROM search_document")]
    assert not [s for s in sql if "workflow_fingerprint" in s]
    # What guards, effects and mail read comes with the load on PostgreSQL.
    reads = [
        s
        for s in sql
        if s.replace('"', "").startswith(
            ("SELECT history_entry.actor_id", "SELECT count(*)", "SELECT user.id")
        )
    ]
    assert len(reads) == (1 if on_postgres() else 5), reads  # the token's user only
    notice_id = db.session.scalar(
        select(FundingNotice.id).where(FundingNotice.application_id == application.id)
    )
    assert body["links"]["notice"] == f"/api/v1/funding-notices/{notice_id}"
    assert not [s for s in sql if s.startswith("SELECT funding_notice.application_id")]
    # The city's mail: with the entry on PostgreSQL, as the session would have written it.
    written_alone = [s for s in sql if s.startswith("INSERT INTO outbox_message")]
    assert len(written_alone) == (0 if on_postgres() else 1)
    mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.case_id == application.case_id, OutboxMessage.template == "decision"
        )
    ).all()
    assert [(m.template, m.status, m.attempts, m.sent_at) for m in mail] == [
        ("decision", "pending", 0, None)
    ]
    assert mail[0].recipient == world.users.speyer.email
    assert mail[0].created_at is not None and mail[0].next_attempt_at >= mail[0].created_at


def _records_of_starting(world, city: str) -> list[str]:
    """Start a membership case for `city`; return its statements that touch the record."""
    from antrag import engine
    from antrag.applications.models import Application

    municipality, user = getattr(world, city), getattr(world.users, city)
    with counted_statements() as statements:
        engine.start(
            "membership",
            Application(round=world.round, municipality=municipality, created_by=user),
            user,
        )
    return [s for s in statements if "workflow_fingerprint" in s]


def test_a_version_is_recorded_again_after_a_rollback(app, world):
    """The app remembers a recorded version only once the recording transaction committed."""
    known = app.extensions.setdefault(records._RECORDED, set())
    known.clear()

    assert _records_of_starting(world, "andernach")
    db.session.rollback()
    assert not known  # rolled back: not remembered

    assert _records_of_starting(world, "andernach")
    db.session.commit()
    assert known  # committed: the next start sends no INSERT of the record

    assert not _records_of_starting(world, "pirmasens")
