"""The reviewer queue with 1,000 and with 100,000 cases: page time and SQL queries per page.

In-process with the Flask test client (a logged-in reviewer, the default view "offen",
oldest first). Target: median page time at 100k / at 1k <= 1.5, and the number of SQL
queries per page the same for page sizes 20 and 100.

    .venv/bin/python bench/queue_scaling.py [--database-url postgresql://…]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from antrag import create_app  # noqa: E402
from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    OPEN_STATES,
    PASSWORD,
    bench_config,
    bulk_cases,
    drop_database,
    fresh_database,
    median,
    migrated_app,
    seed_world,
)

QUEUE_URL = "/pruefung/"
STATES = OPEN_STATES + ("approved", "rejected", "withdrawn")


def prepare(database_url: str | None, cases: int) -> str:
    """Return the URI of a new database holding `cases` submitted membership cases."""
    uri = fresh_database(database_url)
    app = migrated_app(uri)
    with app.app_context():
        rnd, users = seed_world(municipalities=2000)
        bulk_cases(
            cases, rnd.id, users["applicant"].id, states=STATES, assignee_id=users["reviewer"].id
        )
        db.session.execute(text("ANALYZE"))  # planner statistics, as a live database has
        db.session.commit()
        db.engine.dispose()
    return uri


def logged_in_client(uri: str, page_size: int):
    """Return the app and a test client logged in as the reviewer."""
    app = create_app(bench_config(uri, QUEUE_PAGE_SIZE=page_size, WTF_CSRF_ENABLED=False))
    app.config["TESTING"] = False
    client = app.test_client()
    response = client.post(
        "/anmelden", data={"email": "anna.prueferin@mdi.rlp.de", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return app, client


def page_times(uri: str, requests: int, url: str = QUEUE_URL) -> list[float]:
    """Return the seconds each of `requests` loads of the page `url` took (after two warm-ups).

    `inbox_scaling.py` measures its page with this too.
    """
    app, client = logged_in_client(uri, 20)
    times = []
    for i in range(requests + 2):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if i >= 2:
            times.append(elapsed)
    with app.app_context():
        db.engine.dispose()
    return times


def queries_per_page(uri: str, page_size: int, url: str = QUEUE_URL) -> tuple[int, list[tuple]]:
    """Return the number of SQL statements one page `url` runs, and (statement, parameters)."""
    app, client = logged_in_client(uri, page_size)
    client.get(url)  # warm-up
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        assert response.status_code == 200
        rows = response.get_data(as_text=True).count('<th scope="row">')
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        db.engine.dispose()
    assert rows == page_size, (rows, page_size)
    return len(statements), statements


APPLICATIONS = ("FROM application",)


def explain(uri: str, url: str = QUEUE_URL, tables: tuple = APPLICATIONS) -> None:
    """Print the plans of the page's statements on `tables`, with their real parameters."""
    app, _ = logged_in_client(uri, 20)
    _, statements = queries_per_page(uri, 20, url)
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ANALYZE "
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                if not any(table in statement for table in tables):
                    continue
                print(" ".join(statement.split())[:300], "…")
                cursor.execute(prefix + statement, parameters)
                for row in cursor.fetchall():
                    print("   ", row if sqlite else row[0])
        finally:
            raw.close()
        db.engine.dispose()


def run(description: str, prepare, url: str = QUEUE_URL, tables: tuple = APPLICATIONS) -> None:
    """Measure the page at the small and the large size and print the ratio (the target)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    medians = {}
    for size in (args.small, args.large):
        uri = prepare(args.database_url, size)
        medians[size] = median(page_times(uri, args.requests, url))
        counts = {n: queries_per_page(uri, n, url)[0] for n in (20, 100)}
        print(
            f"{size:>7} cases: median page {medians[size] * 1000:.1f} ms over "
            f"{args.requests} requests; SQL queries per page: "
            + ", ".join(f"{c} at page size {n}" for n, c in counts.items()),
            flush=True,
        )
        if args.explain:
            explain(uri, url, tables)
        drop_database(uri)
    ratio = medians[args.large] / medians[args.small]
    print(f"ratio {args.large}/{args.small}: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    run(__doc__.splitlines()[0], prepare)
