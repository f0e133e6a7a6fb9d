"""The development server's helper: deliver the outbox and run the timer in the background.

`make run` is a demo without a second terminal: the dev server (Werkzeug, `flask run`)
starts one daemon thread on its first request that every DEV_WORKER_SECONDS delivers the
due mail (in development to the mail folder in `instance/`) and runs the timer (`tick`).

It never runs in production: only with DEV_WORKER (set by `make run`), never under
gunicorn (the request must come from Werkzeug's server), and once per process. The reloader's
watching parent process serves no requests, so it never starts a thread either. Correctness
does not depend on it: both jobs are idempotent and safe to run beside `flask outbox send`
and `flask tick` from cron.
"""

import logging
import threading

from flask import Flask, request

logger = logging.getLogger(__name__)
_started = threading.Lock()
_thread: threading.Thread | None = None


def init_app(app: Flask) -> None:
    """Register the first-request start of the worker when the settings ask for it."""
    if not app.config.get("DEV_WORKER") or app.config.get("TESTING"):
        return

    @app.before_request
    def _start_dev_worker():
        if served_by_dev_server(request.environ):
            start(app)


def served_by_dev_server(environ) -> bool:
    """Whether the request came through Werkzeug's development server (not gunicorn)."""
    return str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/")


def start(app: Flask) -> threading.Thread | None:
    """Start the worker thread once per process; return it if this call started it."""
    global _thread
    if not _started.acquire(blocking=False):
        return None
    seconds = max(1, int(app.config.get("DEV_WORKER_SECONDS", 20)))
    stop = threading.Event()
    _thread = threading.Thread(
        target=_loop, args=(app, seconds, stop), name="antrag-dev-worker", daemon=True
    )
    _thread.start()
    logger.info("Dev worker: outbox and timer every %s s", seconds)
    return _thread


def _loop(app: Flask, seconds: int, stop: threading.Event) -> None:
    while not stop.is_set():
        run_once(app)
        stop.wait(seconds)


def run_once(app: Flask) -> tuple[int, int]:
    """Run the timer, then deliver the due mail; return (cases moved or reminded, mails sent)."""
    from .engine.timer import tick
    from .extensions import db
    from .mail import relay

    with app.app_context():
        try:
            report = tick()
            db.session.commit()
            sent = relay.send_due()
            return len(report.fired) + len(report.reminded), len(sent.sent)
        except Exception:  # a demo helper must not die; the next round tries again
            db.session.rollback()
            logger.exception("Dev worker: a round failed")
            return 0, 0
        finally:
            db.session.remove()
