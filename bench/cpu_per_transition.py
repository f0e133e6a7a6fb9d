"""CPU time and SQL statements per API transition, in one process (issue 14).

    .venv/bin/python bench/cpu_per_transition.py [--apps N] [--sequence T:W,…]
        [--database-url postgresql://…] [--statements] [--profile FILE]

Seeds N complete submitted applications (`bench/common.py`), then fires the sequence on each
through the Flask test client with the reviewers' bearer tokens, exactly as the API serves
it, and prints per trigger the median CPU time of a request (`time.process_time`, the
first 50 applications are warm-up) and the SQL statements it sent. CPU time, unlike a
rate, hardly moves when other processes share the machine, so it compares code versions
across sittings; the side-by-side rate against the Django peer stays the figure of the
issue. `--profile FILE` writes a cProfile (CPU clock) of the measured requests. `--peer DIR`
measures the Django peer (`../shared/bench-peer/peer_django`, its `.venv` set up as its README
says) with the same loop through Django's test client, on SQLite, right after. `--floor`
also measures `POST /bench/floor/<case_id>` (bench/bench_app.py): the peer's work of one
transition done with this app's stack at its leanest, the lower bound of `start_review`.
"""

import argparse
import cProfile
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select  # noqa: E402

from antrag import create_app  # noqa: E402
from antrag.api.tokens import create_token  # noqa: E402
from antrag.applications.models import Application, Attachment, Project  # noqa: E402
from antrag.engine.models import Case  # noqa: E402
from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    bench_config,
    bulk_cases,
    drop_database,
    fresh_database,
    migrated_app,
    move_sequences_on,
    seed_world,
)

WARM_UP = 50


def seed(count: int, url: str | None) -> tuple[str, list[int], dict]:
    uri = fresh_database(url)
    app = migrated_app(uri)
    with app.app_context():
        rnd, users = seed_world()
        ids = bulk_cases(count, rnd.id, users["applicant"].id, complete=True)
        tokens = {
            "A": create_token(db.session.merge(users["reviewer"]), "bench-a")[1],
            "B": create_token(db.session.merge(users["reviewer2"]), "bench-b")[1],
        }
        db.session.commit()
        move_sequences_on(Case, Application, Project, Attachment)
    return uri, ids, tokens


def measure(uri, ids, tokens, sequence, profile_to=None):
    app = create_app(bench_config(uri))
    app.config["TESTING"] = False
    statements: dict[str, list[str]] = {}
    current = [None]
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, *args):
        if current[0] is not None:
            statements.setdefault(current[0], []).append(" ".join(statement.split())[:110])

    client = app.test_client()
    profiler = cProfile.Profile(time.process_time) if profile_to else None
    times = {step: [] for step in sequence}
    for n, app_id in enumerate(ids):
        version = 1
        for step in sequence:
            trigger, who = step.split(":")
            current[0] = step if n == WARM_UP else None
            measured = n >= WARM_UP
            if profiler and measured:
                profiler.enable()
            started = time.process_time()
            response = client.post(
                f"/api/v1/applications/{app_id}/transitions",
                json={"trigger": trigger, "version": version, "comment": "Passt."},
                headers={"Authorization": f"Bearer {tokens[who]}"},
            )
            spent = time.process_time() - started
            if profiler and measured:
                profiler.disable()
            if response.status_code != 200:
                sys.exit(f"{step} on {app_id}: {response.status_code} {response.get_data()[:300]}")
            version = response.get_json()["version"]
            if measured:
                times[step].append(spent * 1000)
    if profiler:
        profiler.dump_stats(profile_to)
    return times, statements


def measure_floor(uri: str, ids: list[int], tokens: dict) -> list[float]:
    """Return the CPU ms of `POST /bench/floor/<case_id>` on each submitted application."""
    from bench.bench_app import bare

    app = create_app(bench_config(uri))
    app.config["TESTING"] = False
    app.register_blueprint(bare)
    with app.app_context():
        cases = db.session.execute(
            select(Application.case_id).where(Application.id.in_(ids)).order_by(Application.id)
        ).scalars()
        cases = list(cases)
    client = app.test_client()
    times = []
    for n, case_id in enumerate(cases):
        started = time.process_time()
        response = client.post(
            f"/bench/floor/{case_id}",
            json={"version": 1},
            headers={"Authorization": f"Bearer {tokens['A']}"},
        )
        spent = time.process_time() - started
        if response.status_code != 200:
            sys.exit(f"floor on case {case_id}: {response.status_code}")
        if n >= WARM_UP:
            times.append(spent * 1000)
    return times


# Run by the peer's own Python (`--peer`): the same loop on the Django peer of issue 14.
PEER_LOOP = """
import json, os, statistics, sys, tempfile, time
folder = tempfile.mkdtemp(prefix="peer-cpu-")
os.environ.update(PEER_SQLITE_PATH=folder + "/peer.sqlite3", PEER_SQLITE_SYNCHRONOUS="FULL")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
sys.path.insert(0, ".")
import django
django.setup()
from django.core.management import call_command
from django.test import Client
apps, sequence, warm_up = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
call_command("migrate", "--no-input", verbosity=0)
call_command("seed", "--flush", "--apps", str(apps), "--state", "submitted", "--reviewers", "2",
             "--applicants", "2", "--manifest", folder + "/manifest.json", stdout=open(os.devnull, "w"))
manifest = json.load(open(folder + "/manifest.json"))
tokens = {"A": manifest["tokens"]["reviewer"][0]["token"], "B": manifest["tokens"]["reviewer"][1]["token"]}
client, times = Client(HTTP_HOST="127.0.0.1"), {step: [] for step in sequence}
for n, app_id in enumerate(manifest["application_ids"]):
    version = manifest["version"]
    for step in sequence:
        trigger, who = step.split(":")
        started = time.process_time()
        response = client.post(f"/api/v1/applications/{app_id}/transitions",
            data=json.dumps({"trigger": trigger, "version": version, "comment": "Passt."}),
            content_type="application/json", HTTP_AUTHORIZATION="Bearer " + tokens[who])
        spent = time.process_time() - started
        assert response.status_code == 200, response.content
        version = response.json()["version"]
        if n >= warm_up:
            times[step].append(spent * 1000)
print(json.dumps({step: statistics.median(values) for step, values in times.items()}))
"""


def peer(folder: str, apps: int, sequence: list[str]) -> dict[str, float]:
    """Return the peer's median CPU ms per trigger, measured by the same loop (SQLite)."""
    python = Path(folder) / ".venv" / "bin" / "python"
    done = subprocess.run(  # noqa: S603 (the peer's own Python, a fixed script)
        [str(python), "-c", PEER_LOOP, str(apps), ",".join(sequence), str(WARM_UP)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=400)
    parser.add_argument("--sequence", default="start_review:A")
    parser.add_argument("--database-url")
    parser.add_argument("--statements", action="store_true", help="list each statement")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument(
        "--peer",
        metavar="DIR",
        help="also measure the Django peer (its peer_django folder, with its .venv), on SQLite",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also measure the peer's work done with this stack at its leanest (bench_app)",
    )
    args = parser.parse_args(argv)
    if args.apps <= WARM_UP:
        parser.error(f"--apps must be more than the {WARM_UP} warm-up applications")
    sequence = args.sequence.split(",")
    uri, ids, tokens = seed(args.apps, args.database_url)
    try:
        times, statements = measure(uri, ids, tokens, sequence, args.profile)
    finally:
        drop_database(uri)
    print(f"database={uri.split(':')[0]} apps={args.apps} (first {WARM_UP} warm-up)")
    for step in sequence:
        sent = statements.get(step, [])
        print(
            f"{step:22} median CPU {statistics.median(times[step]):6.2f} ms per request, "
            f"{len(sent)} SQL statements"
        )
        if args.statements:
            for text in sent:
                print(f"    {text}")
    total = sum(statistics.median(times[step]) for step in sequence)
    print(f"{'sequence':22} median CPU {total:6.2f} ms")
    if args.floor:
        uri, ids, tokens = seed(args.apps, args.database_url)
        try:
            floor = statistics.median(measure_floor(uri, ids, tokens))
        finally:
            drop_database(uri)
        print(
            f"{'floor start_review':22} median CPU {floor:6.2f} ms per request "
            "(the peer's work with Flask and SQLAlchemy Core, bench/bench_app.py)"
        )
    if args.peer:
        theirs = peer(args.peer, args.apps, sequence)
        for step in sequence:
            print(
                f"peer {step:17} median CPU {theirs[step]:6.2f} ms per request; "
                f"Antrag needs {statistics.median(times[step]) / theirs[step]:.2f} x the peer's CPU"
            )
        print(
            f"peer {'sequence':17} median CPU {sum(theirs.values()):6.2f} ms; "
            f"Antrag needs {total / sum(theirs.values()):.2f} x"
        )


if __name__ == "__main__":
    main()
