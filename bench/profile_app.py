"""The bench app under a per-request profiler, for one gunicorn worker (issue 14).

    BENCH_DATABASE_URL=… BENCH_PROFILE_OUT=PATH-PREFIX .venv/bin/gunicorn -w 1 \
        'bench.profile_app:create_profiled_app()'

Every request runs under cProfile (one profile accumulated over all requests) and counts
its SQL statements and their time per endpoint and trigger; every 100 requests
(BENCH_PROFILE_EVERY) the figures
are written to BENCH_PROFILE_OUT (`.prof` for pstats, `.txt` with the statements per
request). Run by hand; the profiler's own overhead inflates Python time about twofold.
"""

import cProfile
import json
import os
import time
from collections import defaultdict

from flask import g, request
from sqlalchemy import event

from antrag.extensions import db

from .bench_app import create_bench_app


def create_profiled_app():
    """Return the bench app with the profiler and the statement counter installed."""
    app = create_bench_app()
    out = os.environ["BENCH_PROFILE_OUT"]
    every = int(os.environ.get("BENCH_PROFILE_EVERY", "100"))
    profiler = cProfile.Profile()
    totals = defaultdict(lambda: {"requests": 0, "statements": 0, "sql_s": 0.0, "wall_s": 0.0})
    samples: dict[str, list] = {}
    seen = [0]

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        stats = g.get("bench_sql")
        if stats is not None:
            stats.append((time.perf_counter() - conn.info.pop("bench_t0"), statement[:160]))

    inner = app.wsgi_app

    def wsgi(environ, start_response):
        started = time.perf_counter()
        key = [environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")]
        profiler.enable()
        try:
            result = inner(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            profiler.disable()
        stats = getattr(app, "_bench_last_sql", [])
        name = f"{key[0]} {_shape(key[1])} {getattr(app, '_bench_last_trigger', '')}"
        row = totals[name]
        row["requests"] += 1
        row["statements"] += len(stats)
        row["sql_s"] += sum(t for t, _ in stats)
        row["wall_s"] += time.perf_counter() - started
        samples.setdefault(name, [s for _, s in stats])
        seen[0] += 1
        if seen[0] % every == 0:
            profiler.dump_stats(f"{out}.prof")
            with open(f"{out}.txt", "w") as f:
                json.dump({"totals": totals, "samples": samples}, f, indent=1)
        return [body]

    @app.before_request
    def _start_counting():
        g.bench_sql = []
        app._bench_last_trigger = ""
        if request.is_json:
            app._bench_last_trigger = (request.get_json(silent=True) or {}).get("trigger", "")

    @app.teardown_request
    def _stop_counting(exc):
        app._bench_last_sql = g.get("bench_sql", [])

    app.wsgi_app = wsgi
    return app


def _shape(path: str) -> str:
    return "/".join("<id>" if part.isdigit() else part for part in path.split("/"))
