"""A transition without effects whose seq was drawn with the load (PostgreSQL: one statement).

`engine.fire` then moves the case, writes the entry and the transition's mail with one
statement (`inserts.insert_if_moved`); elsewhere, or without a seq drawn ahead, it takes the
usual path. Both must leave the same record, and a lost compare-and-set must write nothing.
"""

import pytest
from sql_support import counted_statements
from sqlalchemy import create_engine, func, select, text

from antrag import engine
from antrag.engine import history
from antrag.engine.errors import StaleVersion
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db
from antrag.mail.models import OutboxMessage


def _draw_ahead() -> None:
    """Draw the next entry's seq as the API's load does on PostgreSQL (a statement here)."""
    history.drawn_ahead(db.session.execute(select(*history.seq_draw(1))).one())


def _counts(case_id: int) -> tuple[int, int]:
    entries = db.session.scalar(
        select(func.count()).select_from(HistoryEntry).where(HistoryEntry.case_id == case_id)
    )
    mail = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.case_id == case_id)
    )
    return entries, mail


@pytest.mark.parametrize("ahead", [True, False], ids=["seq-drawn-with-the-load", "usual"])
def test_the_record_is_the_same_on_either_path(make_application, world, ahead):
    application = make_application("in_review")
    case = application.case
    entries, mail = _counts(case.id)
    if ahead:
        _draw_ahead()
    with counted_statements() as sent:
        engine.fire(
            case.id,
            "propose_approval",
            world.users.reviewer,
            version=case.version,
            comment="Passt.",
        )
    one_statement = ahead and db.engine.dialect.name == "postgresql"
    assert bool([s for s in sent if s.lstrip().startswith("WITH moved AS")]) == one_statement
    db.session.commit()
    db.session.expire_all()

    case = db.session.get(Case, application.case_id)
    assert (case.state, case.version) == ("proposed_approval", case.version)
    newest = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)
    ).all()[-1]
    assert (newest.trigger, newest.actor_id) == ("propose_approval", world.users.reviewer.id)
    assert case.chain_hash == newest.hash  # the database's trigger moved the chain head
    assert _counts(case.id) == (entries + 1, mail + 1)  # reviewer2 is asked to co-sign
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
    ).all()[-1]
    assert (message.template, message.recipient) == (
        "proposal_to_cosign",
        world.users.reviewer2.email,
    )
    assert "vorgeschlagen: Bewilligung vorgeschlagen" in message.body  # the state it is in now
    assert history.verify()[1] is None


@pytest.mark.parametrize("ahead", [True, False], ids=["seq-drawn-with-the-load", "usual"])
def test_a_lost_compare_and_set_writes_nothing(app, make_application, world, ahead):
    application = make_application("in_review")
    case = application.case
    version, case_id = case.version, case.id
    entries, mail = _counts(case_id)
    db.session.commit()
    # Someone else moves the case after this request loaded it.
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as connection:
        connection.execute(
            text('UPDATE "case" SET version = version + 1 WHERE id = :id'), {"id": case_id}
        )
    other.dispose()
    if ahead:
        _draw_ahead()
    with pytest.raises(StaleVersion):
        engine.fire(case_id, "propose_approval", world.users.reviewer, version=version, comment="x")
    assert _counts(case_id) == (entries, mail)
    assert db.session.get(Case, case_id).version == version + 1  # read again, as stored
    db.session.rollback()
