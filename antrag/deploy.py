"""`flask check-deploy`: list the settings of the running configuration that are unsafe in production.

The checks work on a plain mapping (`find_problems`), so they can be tested without an app.
Each problem has a level:

- "error": unsafe, the command exits 1 (debug on, a weak or development secret key, cookies
  without Secure/HttpOnly/SameSite, CSRF off, mail that is not sent or may hang, a public URL
  without https, demo data loading, no request size limit, uploads under the web root,
  SQLite served by several workers, placeholder contact addresses on the legal pages, no
  seal for the notices);
- "warning": allowed but worth a decision, listed without failing (SQLite served by a single
  worker: it works, but it binds the service to one machine and serialises every write;
  production is PostgreSQL). `--strict` makes warnings fail too.
"""

import gc
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

MIN_SECRET_KEY_LENGTH = 32
MAX_MAIL_TIMEOUT = 60  # seconds; a relay stuck longer than this blocks the outbox
DEFAULT_WORKERS = 4  # what `make serve` and gunicorn.conf.py start when nothing is set
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (the file create_app writes in development)
# Addresses the legal pages publish (imprint, privacy notice, accessibility statement).
LEGAL_CONTACTS = ("OPERATOR_EMAIL", "PRIVACY_OFFICER_EMAIL", "ACCESSIBILITY_CONTACT_EMAIL")
PLACEHOLDER_DOMAINS = frozenset({"example", "invalid", "test", "localhost"})  # RFC 2606
# Keys published in this repository; never acceptable in production.
KNOWN_KEYS = frozenset({"test-secret-key-not-for-production", "dev", "changeme", "secret"})  # noqa: S105


@dataclass(frozen=True)
class Problem:
    """One unsafe setting: its name, level ("error" or "warning") and what is wrong."""

    setting: str
    level: str
    message: str


DEFAULT_MAX_REQUESTS = 20_000


def worker_count(environ: Mapping[str, str]) -> int:
    """Return the number of gunicorn workers the environment asks for (WEB_CONCURRENCY, WORKERS)."""
    for name in ("WEB_CONCURRENCY", "WORKERS"):
        raw = (environ.get(name) or "").strip()
        if raw:
            try:
                return max(int(raw), 1)
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    return DEFAULT_WORKERS


def max_requests(environ: Mapping[str, str]) -> int:
    """Return after how many requests gunicorn replaces a worker (MAX_REQUESTS; 0: never).

    A new worker builds the app again (about a second of CPU, cold caches): at 1,000 requests
    that cost a loaded server a fifth of its throughput (bench/README.md, fourth round).
    """
    raw = (environ.get("MAX_REQUESTS") or "").strip()
    if not raw:
        return DEFAULT_MAX_REQUESTS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"MAX_REQUESTS must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"MAX_REQUESTS must be 0 (never) or more, not {value}")
    return value


def settle_heap() -> None:
    """Leave what a gunicorn worker built at start-up out of garbage collection from now on.

    The app with its workflows, templates and SQLAlchemy's mappers is some 260,000 objects that
    live as long as the worker. Each full collection traverses them all (0.11 s of CPU per
    worker, every 10–20 s under load; bench/README.md, fifth round). Frozen (`gc.freeze`, as
    the Python documentation of the gc module suggests for long-lived start-up objects), they
    are skipped, and a collection only looks at what requests allocated.
    """
    gc.collect()
    gc.freeze()


def find_problems(
    config: Mapping,
    *,
    environ: Mapping[str, str] | None = None,
    instance_path: str | None = None,
    static_folder: str | None = None,
) -> list[Problem]:
    """Return every unsafe setting of `config`, errors first."""
    environ = os.environ if environ is None else environ
    problems: list[Problem] = []

    def error(setting: str, message: str) -> None:
        problems.append(Problem(setting, "error", message))

    def warning(setting: str, message: str) -> None:
        problems.append(Problem(setting, "warning", message))

    # Flask takes DEBUG from FLASK_DEBUG when the app is made (and the CLI resets it from
    # there), so the environment variable counts as much as the setting.
    flask_debug = (environ.get("FLASK_DEBUG") or "").strip().lower()
    if config.get("DEBUG") or flask_debug not in ("", "0", "false", "no", "off"):
        error("DEBUG", "debug mode is on (the debugger runs code for anyone who sees an error)")
    if config.get("TESTING"):
        error("TESTING", "testing mode is on")

    key = config.get("SECRET_KEY")
    key_text = key.decode(errors="replace") if isinstance(key, bytes) else (key or "")
    if not key_text:
        error("SECRET_KEY", "no secret key is set")
    elif len(key_text) < MIN_SECRET_KEY_LENGTH:
        error(
            "SECRET_KEY",
            f"the secret key is too short ({len(key_text)} characters, "
            f"at least {MIN_SECRET_KEY_LENGTH} needed)",
        )
    elif key_text in KNOWN_KEYS:
        error("SECRET_KEY", "the secret key is a published example key")
    elif _is_development_key(key_text, instance_path):
        error(
            "SECRET_KEY",
            "the development key from the instance folder is in use; "
            "set SECRET_KEY in the environment",
        )

    for setting in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if not config.get(setting):
            error(setting, "cookies are also sent over plain http (set it to True)")
    for setting in ("SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"):
        if not config.get(setting, setting == "REMEMBER_COOKIE_HTTPONLY"):
            error(setting, "scripts in the page can read the cookie (set it to True)")
    for setting in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        value = config.get(setting)
        if str(value).capitalize() not in ("Lax", "Strict"):
            error(setting, f"SameSite is {value!r}; use 'Lax' or 'Strict'")

    if not config.get("WTF_CSRF_ENABLED", True):
        error("WTF_CSRF_ENABLED", "CSRF protection is switched off")
    if not config.get("WTF_CSRF_CHECK_DEFAULT", True):
        error("WTF_CSRF_CHECK_DEFAULT", "CSRF tokens are not checked on every request")

    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri.startswith("sqlite"):
        workers = worker_count(environ)
        if workers > 1:
            error(
                "SQLALCHEMY_DATABASE_URI",
                f"SQLite with {workers} workers: writes queue for one file lock and the "
                "service cannot grow beyond this machine; use PostgreSQL (DATABASE_URL)",
            )
        else:
            warning(
                "SQLALCHEMY_DATABASE_URI",
                "SQLite in production: a single machine and one writer at a time; "
                "PostgreSQL (DATABASE_URL) is the production database",
            )

    if config.get("MAIL_BACKEND") != "smtp":
        error(
            "MAIL_BACKEND",
            f"mail backend is {config.get('MAIL_BACKEND')!r}: no mail leaves the server "
            "(set MAIL_BACKEND=smtp)",
        )
    timeout = config.get("MAIL_TIMEOUT")
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        error("MAIL_TIMEOUT", "no SMTP timeout: a hanging relay would block the outbox")
    elif timeout > MAX_MAIL_TIMEOUT:
        error(
            "MAIL_TIMEOUT", f"SMTP timeout of {timeout} s is too long (at most {MAX_MAIL_TIMEOUT})"
        )

    public_url = str(config.get("PUBLIC_URL") or "")
    if not public_url.startswith("https://"):
        error("PUBLIC_URL", f"links in e-mails do not use https ({public_url or 'not set'})")

    if config.get("LOAD_DEMO_DATA"):
        error("LOAD_DEMO_DATA", "demo data with known passwords may be loaded")

    limit = config.get("MAX_CONTENT_LENGTH")
    if not limit or limit <= 0:
        error("MAX_CONTENT_LENGTH", "requests have no size limit")

    upload = config.get("UPLOAD_FOLDER")
    if upload and static_folder and _inside(upload, static_folder):
        error("UPLOAD_FOLDER", f"uploads lie in the public static folder ({upload})")

    for setting in LEGAL_CONTACTS:
        address = str(config.get(setting) or "").strip()
        top_level = address.rpartition("@")[2].rsplit(".", 1)[-1].lower()
        if not address or top_level in PLACEHOLDER_DOMAINS:
            error(
                setting,
                f"the imprint, privacy notice or accessibility statement names "
                f"{address or 'no address'}; set a real address",
            )

    from .accounts.factor_checks import second_factor_problems
    from .accounts.sso_checks import sso_problems
    from .letters.checks import letter_problems
    from .payments.checks import payment_problems
    from .reclaim.checks import reclaim_problems

    problems += [Problem(*found) for found in letter_problems(config)]
    problems += [Problem(*found) for found in payment_problems(config)]
    problems += [Problem(*found) for found in second_factor_problems(config)]
    problems += [Problem(*found) for found in sso_problems(config)]
    from . import clock
    from .engine.calendar import BERLIN

    today = clock.now().astimezone(BERLIN).date()
    problems += [Problem(*found) for found in reclaim_problems(config, today)]
    return sorted(problems, key=lambda p: p.level != "error")


def _is_development_key(key: str, instance_path: str | None) -> bool:
    """Return whether `key` is the one create_app generated into the instance folder."""
    if not instance_path:
        return False
    key_file = Path(instance_path) / SECRET_KEY_FILE
    try:
        return key_file.read_text().strip() == key
    except OSError:
        return False


def _inside(path: str, folder: str) -> bool:
    """Return whether `path` is `folder` or lies below it (symlinks resolved)."""
    inner, outer = Path(path).resolve(), Path(folder).resolve()
    return inner == outer or outer in inner.parents


@click.command("check-deploy")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@with_appcontext
def check_deploy_command(strict: bool) -> None:
    """List the unsafe settings of this configuration; exit 1 if there is one."""
    app = current_app
    problems = find_problems(
        app.config, instance_path=app.instance_path, static_folder=app.static_folder
    )
    for problem in problems:
        click.echo(f"{problem.level.upper()}: {problem.setting}: {problem.message}")
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if errors or (strict and warnings):
        click.echo(f"{errors} error(s), {warnings} warning(s): not ready for production.", err=True)
        sys.exit(1)
    click.echo(f"ok: no unsafe settings ({warnings} warning(s)).")
