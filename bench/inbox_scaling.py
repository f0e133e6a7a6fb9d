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

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    OPEN_STATES,
    bulk_cases,
    drop_database,
    fresh_database,
    median,
    migrated_app,
    move_sequences_on,
    seed_world,
)
from bench.queue_scaling import logged_in_client, page_times, queries_per_page  # noqa: E402

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


def explain(uri: str) -> None:
    """Print the plans of the page's statements on cases, with their real parameters."""
    app, _ = logged_in_client(uri, 20)
    _, statements = queries_per_page(uri, 20, INBOX_URL)
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ANALYZE "
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                if 'FROM "case"' not in statement and "FROM case" not in statement:
                    continue
                print(" ".join(statement.split())[:300], "…")
                cursor.execute(prefix + statement, parameters)
                for row in cursor.fetchall():
                    print("   ", row if sqlite else row[0])
        finally:
            raw.close()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    medians = {}
    for size in (args.small, args.large):
        uri = prepare(args.database_url, size)
        medians[size] = median(page_times(uri, args.requests, INBOX_URL))
        counts = {n: queries_per_page(uri, n, INBOX_URL)[0] for n in (20, 100)}
        print(
            f"{size:>7} cases: median page {medians[size] * 1000:.1f} ms over "
            f"{args.requests} requests; SQL queries per page: "
            + ", ".join(f"{c} at page size {n}" for n, c in counts.items()),
            flush=True,
        )
        if args.explain:
            explain(uri)
        drop_database(uri)
    ratio = medians[args.large] / medians[args.small]
    print(f"ratio {args.large}/{args.small}: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
