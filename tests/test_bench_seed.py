"""The benchmarks' bulk seeding leaves a database the app can go on writing to."""

from antrag import engine
from antrag.applications.models import Application
from antrag.engine.models import Case
from antrag.extensions import db
from bench.common import bulk_cases, seed_world


def test_bulk_cases_move_the_id_sequences_on(app):
    """More bulk applications than cities; after their explicit ids the first approval (which
    adds the notice's case) inserts fine."""
    rnd, users = seed_world(municipalities=3)
    ids = bulk_cases(5, rnd.id, users["applicant"].id, complete=True)
    first = db.session.get(Application, ids[0])
    reviewer, reviewer2 = db.session.merge(users["reviewer"]), db.session.merge(users["reviewer2"])
    for trigger, actor in (
        ("start_review", reviewer),
        ("propose_approval", reviewer),
        ("approve", reviewer2),
    ):
        engine.fire(first.case_id, trigger, actor, version=first.case.version, comment="Passt.")
        db.session.commit()
    assert first.case.state == "approved"
    assert db.session.scalar(db.select(db.func.max(Case.id))) > ids[-1]
