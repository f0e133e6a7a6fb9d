"""The ministry's inbox with 1,000 and with 100,000 cases: page time and SQL queries per page.

In-process with the Flask test client, as `queue_scaling.py`: a logged-in reviewer opens
`/eingang/` (default view: the team's tasks, due first). The world: 2,000 municipalities;
half the cases are membership cases with submitted applications in every state (as the
queue's bench), the other half are cases of every other workflow, spread over every one
of their non-final states (those waiting for the ministry, the city or a mentor), two in
three with a due date (past or future); 1 % of the approved applications have a
mentoring gap. The cases of the other workflows are bulk-inserted without subject rows
(notices, call-offs, …): the inbox's cost is in finding the page's cases among all
others, which they exercise; a row without a subject shows no city and no link.

Target: median page time at 100k / at 1k <= 1.5, and the number of SQL queries per page
the same for page sizes 20 and 100.

    .venv/bin/python bench/inbox_scaling.py [--database-url postgresql://…] [--explain]
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    OPEN_STATES,
    bulk_cases,
    fresh_database,
    migrated_app,
    move_sequences_on,
    seed_world,
)
from bench.queue_scaling import run  # noqa: E402

INBOX_URL = "/eingang/"
MEMBERSHIP_STATES = OPEN_STATES + ("approved", "rejected", "withdrawn")


def other_states() -> list[tuple[str, int, str]]:
    """Return every non-final (workflow, version, state) of the workflows but membership.

    Interleaved by workflow, so that consecutive cases (and so the page's first rows,
    ordered by due date) belong to different workflows.
    """
    from antrag.engine.workflows import workflows

    per_workflow = [
        [
            (d.name, d.version, name)
            for d in workflows().all()
            if d.name == workflow
            for name, state in d.states.items()
            if not state.final
        ]
        for workflow in sorted({d.name for d in workflows().all()} - {"membership"})
    ]
    found = []
    for i in range(max(len(states) for states in per_workflow)):
        found += [states[i] for states in per_workflow if i < len(states)]
    return found


def bulk_other_cases(count: int) -> None:
    """Insert `count` cases of the other workflows (no subjects), two in three with a due date."""
    from antrag.db_types import utcnow
    from antrag.engine.models import Case

    states = other_states()
    start = (db.session.scalar(select(db.func.max(Case.id))) or 0) + 1
    now = utcnow()
    rows = []
    for n in range(count):
        workflow, version, state = states[n % len(states)]
        since = now - timedelta(days=(n // len(states)) % 400, minutes=n % 1440)
        due = None if n % 3 == 2 else now + timedelta(days=(n // len(states)) % 90 - 30)
        rows.append(
            {
                "id": start + n,
                "workflow": workflow,
                "workflow_version": version,
                "state": state,
                "version": 1,
                "due_at": due,
                "created_at": since,
                "updated_at": since,
            }
        )
        if len(rows) == 10_000 or n == count - 1:
            db.session.execute(insert(Case.__table__), rows)
            db.session.commit()
            rows = []
    move_sequences_on(Case)


def bulk_gaps(share: int = 100) -> None:
    """Flag a mentoring gap for one in `share` approved applications."""
    from antrag.applications.models import Application
    from antrag.db_types import utcnow
    from antrag.engine.models import Case
    from antrag.mentoring.models import MentoringGap

    approved = db.session.scalars(
        select(Application.id)
        .join(Case, Case.id == Application.case_id)
        .where(Case.state == "approved")
        .order_by(Application.id)
    ).all()
    now = utcnow()
    rows = [
        {"application_id": a, "created_at": now - timedelta(days=n % 30)}
        for n, a in enumerate(approved[::share])
    ]
    if rows:
        db.session.execute(insert(MentoringGap.__table__), rows)
    db.session.commit()
    move_sequences_on(MentoringGap)


def prepare(database_url: str | None, cases: int) -> str:
    """Return the URI of a new database holding `cases` cases of every workflow."""
    uri = fresh_database(database_url)
    app = migrated_app(uri)
    with app.app_context():
        rnd, users = seed_world(municipalities=2000)
        bulk_cases(
            cases // 2,
            rnd.id,
            users["applicant"].id,
            states=MEMBERSHIP_STATES,
            assignee_id=users["reviewer"].id,
        )
        bulk_other_cases(cases - cases // 2)
        bulk_gaps()
        db.session.execute(text("ANALYZE"))  # planner statistics, as a live database has
        db.session.commit()
        db.engine.dispose()
    return uri


if __name__ == "__main__":
    run(__doc__.splitlines()[0], prepare, INBOX_URL, ('FROM "case"', "FROM case"))
