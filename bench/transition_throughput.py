"""Transition throughput over HTTP under gunicorn, as a ratio to a bare endpoint.

Both paths run in the same gunicorn, on the same database, in the same run: the JSON API
(`POST /api/v1/applications/<id>/transitions`, trigger `start_review`, through the engine)
and `POST /bench/bare/<id>` (bench/bench_app.py: the same writes without the engine). Each
request moves a distinct submitted case; rounds alternate engine and bare, and the medians
are compared. Target: engine / bare >= 0.7.

    .venv/bin/python bench/transition_throughput.py [--database-url postgresql://…]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from antrag.api.tokens import create_token  # noqa: E402
from antrag.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    bulk_cases,
    drop_database,
    fresh_database,
    median,
    migrated_app,
    seed_world,
)

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(uri: str, port: int, workers: int) -> subprocess.Popen:
    """Start gunicorn with the bench app and wait until it answers."""
    env = os.environ | {"BENCH_DATABASE_URL": uri}
    proc = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "1",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "bench.bench_app:create_bench_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def fire_all(port: int, token: str, case_ids: list[int], path: str, clients: int) -> float:
    """Send one start_review per case from `clients` keep-alive threads; return requests/s."""
    chunks = [case_ids[i::clients] for i in range(clients)]
    failures = []
    barrier = threading.Barrier(clients + 1)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"trigger": "start_review", "version": 1})

    def worker(ids):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for case_id in ids:
            conn.request("POST", path.format(case_id), body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append((case_id, response.status))
        conn.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    return len(case_ids) / elapsed


ENGINE_PATH = "/api/v1/applications/{}/transitions"
BARE_PATH = "/bench/bare/{}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--requests", type=int, default=400, help="per round and path")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="instead: cProfile N engine API requests in-process",
    )
    args = parser.parse_args()
    if args.profile:
        profile(args.database_url, args.profile)
        return

    uri = fresh_database(args.database_url)
    app = migrated_app(uri)
    warmup = 100
    with app.app_context():
        rnd, users = seed_world()
        total = 2 * (warmup + args.rounds * args.requests)
        ids = bulk_cases(total, rnd.id, users["applicant"].id, complete=True)
        _, token = create_token(db.session.merge(users["reviewer"]), "bench")
        db.session.commit()
        db.engine.dispose()
    port = free_port()
    server = start_gunicorn(uri, port, args.workers)
    try:
        batches = iter(ids[i : i + args.requests] for i in range(2 * warmup, total, args.requests))
        fire_all(port, token, ids[:warmup], ENGINE_PATH, args.clients)
        fire_all(port, token, ids[warmup : 2 * warmup], BARE_PATH, args.clients)
        engine_rates, bare_rates = [], []
        for _ in range(args.rounds):
            engine_rates.append(fire_all(port, token, next(batches), ENGINE_PATH, args.clients))
            bare_rates.append(fire_all(port, token, next(batches), BARE_PATH, args.clients))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    backend = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    engine_rate, bare_rate = median(engine_rates), median(bare_rates)
    print(
        f"database: {backend}; gunicorn workers: {args.workers} (gthread); "
        f"clients: {args.clients}; {args.requests} requests x {args.rounds} rounds"
    )
    print("engine rounds (req/s):", ", ".join(f"{r:.1f}" for r in engine_rates))
    print("bare rounds (req/s):  ", ", ".join(f"{r:.1f}" for r in bare_rates))
    print(f"engine (API, start_review): {engine_rate:.1f} transitions/s (median)")
    print(f"bare endpoint (same writes): {bare_rate:.1f} requests/s (median)")
    print(f"ratio engine/bare: {engine_rate / bare_rate:.2f} (target >= 0.70)")
    # Each engine round runs right before its bare round, under the same load: their
    # ratios are less disturbed by load that changes during the run.
    paired = [e / b for e, b in zip(engine_rates, bare_rates, strict=True)]
    print("paired round ratios:", ", ".join(f"{r:.2f}" for r in paired))
    print(f"median paired ratio: {median(paired):.2f}")
    drop_database(uri)


def profile(database_url: str | None, count: int) -> None:
    """Fire `count` API transitions in-process (test client) under cProfile; print hot spots."""
    import cProfile
    import pstats

    uri = fresh_database(database_url)
    app = migrated_app(uri)
    app.config["TESTING"] = False
    with app.app_context():
        rnd, users = seed_world()
        ids = bulk_cases(count + 20, rnd.id, users["applicant"].id, complete=True)
        _, token = create_token(db.session.merge(users["reviewer"]), "bench")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"trigger": "start_review", "version": 1}

    def run(batch):
        for case_id in batch:
            assert (
                client.post(ENGINE_PATH.format(case_id), json=body, headers=headers).status_code
                == 200
            )

    run(ids[:20])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(run, ids[20:])
    elapsed = time.perf_counter() - started
    print(f"{count} engine API requests in-process: {count / elapsed:.1f}/s under cProfile")
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_callees("core.py.*\\(fire\\)|transitions_view|append")
    stats.print_callers("_fire_loader_callables|_load_on_pk_identity")
    drop_database(uri)


if __name__ == "__main__":
    main()
