"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py wsgi:app`).

Every worker builds its own app and database engine (`preload_app = False`): no connection
or lock is shared across a fork, and nothing correctness depends on lives in process memory.
Command-line options (`--workers`, `--bind`) override what is set here.
"""

import os

from gunicorn.glogging import Logger

# Import the package in the master so that forked workers only build the app, not re-import
# Flask and SQLAlchemy (this creates no app, engine or connection).
import antrag  # noqa: F401
from antrag.deploy import max_requests as recycle_after
from antrag.deploy import settle_heap, worker_count
from antrag.logs import redact_path


class RedactingLogger(Logger):
    """gunicorn's logger, but the access log never shows a link's secret (invitation link)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            atoms[key] = redact_path(atoms[key])
        return atoms


wsgi_app = "wsgi:app"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
workers = worker_count(os.environ)
worker_class = "sync"
preload_app = False
# A request that takes longer than this is killed; SQLite waits at most 5 s for its lock.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, at different times, as a guard against slow memory growth;
# not too often (see antrag.deploy.max_requests).
max_requests = recycle_after(os.environ)
max_requests_jitter = max_requests // 10
limit_request_line = 8190
# Access and error log to standard output and error; Antrag's own log lines (the security
# log) go to standard error too, or to LOG_FILE (see antrag/logs.py).
accesslog = "-"
errorlog = "-"
logger_class = RedactingLogger
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'
# Trust X-Forwarded-* only from the reverse proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """The worker has built its app: its long-lived objects leave garbage collection."""
    settle_heap()
