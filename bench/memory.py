"""RSS of one process after 1,000 and after 100,000 engine transitions (target: +10 % at most).

One process, one SQLite database: a case cycles in_review -> propose_rejection (reviewer
A) -> send_back (reviewer B, four eyes) -> in_review, each transition in its own
"request" (app context, commit, `db.session.remove()`), as a long-running worker does.
VmRSS is read from /proc/self/status after `gc.collect()`. `--fast` turns SQLite's
synchronous mode off for this bench only: it changes how long the run takes, not what the
process keeps in memory (never use it for throughput figures).

    .venv/bin/python bench/memory.py [--transitions 100000] [--fast]
"""

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from antrag import engine  # noqa: E402
from antrag.accounts.models import User  # noqa: E402
from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    bulk_cases,
    drop_database,
    fresh_database,
    migrated_app,
    rss_kib,
    seed_world,
)

CYCLE = (
    ("propose_rejection", "reviewer", "Nicht förderfähig."),
    ("send_back", "reviewer2", "Bitte noch einmal prüfen."),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transitions", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--fast", action="store_true", help="SQLite synchronous=OFF")
    args = parser.parse_args()

    uri = fresh_database()
    app = migrated_app(uri)
    with app.app_context():
        rnd, users = seed_world()
        (case_id,) = bulk_cases(
            1,
            rnd.id,
            users["applicant"].id,
            states=("in_review",),
            assignee_id=users["reviewer"].id,
        )
        actor_ids = {role: user.id for role, user in users.items()}
        if args.fast:
            event.listen(
                db.engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF")
            )
            db.engine.dispose()

    version = 1
    started = time.perf_counter()
    baseline = None
    for n in range(1, args.transitions + 1):
        trigger, role, comment = CYCLE[(n - 1) % 2]
        with app.app_context():
            actor = db.session.get(User, actor_ids[role])
            engine.fire(case_id, trigger, actor, version=version, comment=comment)
            db.session.commit()
            db.session.remove()
        version += 1
        if n == args.baseline:
            gc.collect()
            baseline = rss_kib()
            print(f"RSS after {n:>7} transitions: {baseline / 1024:.1f} MiB", flush=True)
        elif n % 10_000 == 0 or n == args.transitions:
            gc.collect()
            rate = n / (time.perf_counter() - started)
            print(
                f"RSS after {n:>7} transitions: {rss_kib() / 1024:.1f} MiB "
                f"({rate:.0f} transitions/s)",
                flush=True,
            )
    gc.collect()
    final = rss_kib()
    growth = (final - baseline) / baseline * 100
    with app.app_context():
        rows = db.session.execute(text("SELECT count(*) FROM history_entry")).scalar()
        db.engine.dispose()
    print(f"history entries written: {rows}")
    print(
        f"RSS growth from {args.baseline} to {args.transitions} transitions: "
        f"{growth:+.1f} % (target <= 10 %)"
    )
    drop_database(uri)


if __name__ == "__main__":
    main()
