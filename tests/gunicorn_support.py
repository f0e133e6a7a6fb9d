"""A real gunicorn (several worker processes) on a test's database, and an HTTP client for it.

The test prepares its data through the `app` fixture (committed to the `database_uri` copy),
then `serve(...)` starts `python -m gunicorn` on that database in a subprocess and waits
until every worker has built its app. Each worker has its own app and database engine,
exactly as in production (`preload_app = False`).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import has_app_context
from form_support import form_tokens
from second_factor_support import pass_open_sessions

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "concurrency-tests-secret-key-0123456789abcdef"
PASSWORD = "korrekt-pferd-batterie"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')

# The project's own settings (access log format, logger class), read first when a test
# asks for them; the command line below still decides workers, bind and time-outs.
SHIPPED = """
with open({path!r}) as shipped:
    exec(compile(shipped.read(), {path!r}, "exec"))
"""
# Imported by the master before it forks (so workers only build the app), and a hook that
# marks each worker as ready once its app is loaded. The app writes its security log to
# standard error (antrag/logs.py), which is the server's log, so that tests can count its
# events across workers.
CONFIG = """
import antrag  # noqa: F401

def post_worker_init(worker):
    open({ready!r} + "/" + str(worker.pid), "w").close()
"""


@dataclass
class Server:
    """A running gunicorn: its URL, master process and log file."""

    url: str
    process: subprocess.Popen
    log: Path
    ready_dir: Path

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's living worker processes."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, workers: int, timeout: float = 30) -> None:
        """Wait until `workers` living workers have loaded the app and the server answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_text()}")
            living = set(self.worker_pids())
            ready = {int(p.name) for p in self.ready_dir.iterdir()} & living
            if len(ready) >= workers:
                try:
                    if requests.get(self.url + "/anmelden", timeout=5).status_code == 200:
                        return
                except requests.ConnectionError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not get ready:\n{self.log_text()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    database_uri: str,
    folder: Path,
    *,
    workers: int = 4,
    threads: int = 4,
    wait=True,
    shipped=False,
    env_extra: dict | None = None,
):
    """Run gunicorn with `workers` processes (gthread, `threads` each) on `database_uri`.

    With `wait=False` it returns at once, so that the test can write its data while the
    workers boot (they connect to the database at their first request); the test then
    calls `server.wait_ready(workers)`. With `shipped=True` the project's gunicorn.conf.py
    is read first (its logging settings included). `env_extra` adds settings of the environment
    (e.g. the identity provider's).
    """
    folder.mkdir(parents=True, exist_ok=True)
    ready_dir = folder / "ready"
    ready_dir.mkdir(exist_ok=True)
    config_file = folder / "gunicorn_test.conf.py"
    config = CONFIG.format(ready=str(ready_dir))
    if shipped:
        config = SHIPPED.format(path=str(ROOT / "gunicorn.conf.py")) + config
    config_file.write_text(config)
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("WEB_CONCURRENCY", "FLASK_DEBUG", "ANTRAG_ENV")
    }
    env |= {
        "ANTRAG_ENV": "development",  # plain http cookies; demo data is only loaded by command
        "DATABASE_URL": database_uri,
        "SECRET_KEY": SECRET_KEY,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "MAIL_FILE_FOLDER": str(folder / "mail"),
        "PYTHONPATH": str(ROOT),
    }
    env |= env_extra or {}
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(config_file),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread" if threads > 1 else "sync",
                "--threads",
                str(threads),
                "--timeout",
                "30",
                "--graceful-timeout",
                "1",
                # Longer than any test, so that an idle client's connection is never closed
                # under a request it is sending (requests does not retry a POST).
                "--keep-alive",
                "120",
                # gunicorn's control socket defaults to one path per user; parallel servers
                # must not share it.
                "--no-control-socket",
                "--backlog",
                "256",
                "--chdir",
                str(ROOT),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, ready_dir)
    try:
        if wait:
            server.wait_ready(workers)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # quick shutdown: keep-alive clients don't count
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browser:
    """One person's HTTP session against the server: cookies, CSRF token, case versions."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.token: str | None = None
        self.form_tokens: dict[str, str] = {}

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.url + path, allow_redirects=False, timeout=30)
        match = CSRF_RE.search(response.text)
        if match:
            self.token = match.group(1)
        self.form_tokens.update(form_tokens(response.text, path))
        return response

    def post(self, path: str, data: dict) -> requests.Response:
        """Post a form with the current CSRF token (and the form's one-time token, if the
        page last shown had this form); redirects are not followed."""
        once = {"form_token": self.form_tokens[path]} if path in self.form_tokens else {}
        return self.http.post(
            self.url + path,
            data={"csrf_token": self.token} | once | data,
            allow_redirects=False,
            timeout=30,
        )

    def login(self, email: str, password: str = PASSWORD) -> "Browser":
        self.get("/anmelden")
        response = self.post("/anmelden", {"email": email, "password": password})
        assert response.status_code == 302, response.text
        if has_app_context():  # threads of `login_all` have none; it marks them afterwards
            pass_open_sessions(email)
        self.get("/-/csrf")  # a fresh token for the new session (the cheap 404 page has one)
        assert self.token is not None
        return self

    def version_on(self, path: str) -> int:
        """Open a case page and return the case version its forms carry."""
        response = self.get(path)
        assert response.status_code == 200, response.text
        return int(VERSION_RE.search(response.text).group(1))
