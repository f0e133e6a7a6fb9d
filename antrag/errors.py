"""Error pages: engine refusals, HTTP errors and unexpected failures, mapped in one place."""

import logging
import math
import sqlite3
import uuid

from flask import Flask, current_app, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .api.problems import DETAILS, ApiProblem, is_api_request, problem
from .engine.errors import EngineError
from .extensions import db, login_manager
from .idempotency.forms import AlreadySubmitted, FormExpired
from .limits.rates import LimitReached
from .security import security_event

logger = logging.getLogger(__name__)

# The HTML pages follow the reader's language; the API's problem+json stays German.
TITLES = {
    400: _l("Ungültige Anfrage"),
    403: _l("Keine Berechtigung"),
    404: _l("Seite nicht gefunden"),
    405: _l("Methode nicht erlaubt"),
    409: _l("Konflikt"),
    413: _l("Datei zu groß"),
    422: _l("Aktion nicht möglich"),
    429: _l("Bitte warten Sie einen Moment"),
    500: _l("Interner Fehler"),
    503: _l("Bitte noch einmal versuchen"),
}
FORM_EXPIRED = _l("Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu.")
MESSAGES = {
    400: _l("Die Anfrage war unvollständig oder fehlerhaft. Bitte laden Sie die Seite neu."),
    403: _l("Ihre Rolle darf diese Seite nicht öffnen."),
    404: _l("Diese Seite gibt es nicht, oder Sie dürfen sie nicht sehen."),
    405: _l("Diese Aktion ist hier nicht vorgesehen."),
    413: _l("Die Datei ist zu groß. Erlaubt sind höchstens 10 MB."),
    500: _l("Es ist ein Fehler aufgetreten. Ihre Eingaben wurden nicht gespeichert."),
    503: _l(
        "Gerade bearbeiten viele Personen gleichzeitig Vorgänge. Es wurde nichts gespeichert; "
        "bitte versuchen Sie es in einigen Sekunden noch einmal."
    ),
}
UNAVAILABLE = _l(
    "Antrag kann die Daten gerade nicht erreichen. Es wurde nichts gespeichert; "
    "bitte versuchen Sie es in einigen Sekunden noch einmal."
)
UNAVAILABLE_DETAIL = (
    "Die Datenbank ist gerade nicht erreichbar. Es wurde nichts gespeichert; "
    "bitte versuchen Sie es in einigen Sekunden noch einmal."
)
RETRY_AFTER = {"Retry-After": "5", "Cache-Control": "no-store"}
# SQLite: another writer holds the lock, or the file cannot be opened (gone, unmounted).
SQLITE_LOCKED = "database is locked"
SQLITE_UNAVAILABLE = ("unable to open database file",)
# PostgreSQL SQLSTATEs of a server that is shut down, starting up or out of connections;
# class 08 (connection exception) as well.
PG_UNAVAILABLE = frozenset({"57P01", "57P02", "57P03", "53300"})


def database_trouble(exc: DBAPIError) -> str | None:
    """Return "busy" or "unavailable" for a database that may answer in a moment, else None.

    A connection that died (a terminated backend, a server gone) is invalidated by SQLAlchemy,
    and the pool replaces it on the next request: trying again is the right advice.
    """
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        if SQLITE_LOCKED in str(orig):
            return "busy"
        return "unavailable" if any(t in str(orig) for t in SQLITE_UNAVAILABLE) else None
    if exc.connection_invalidated:
        return "unavailable"
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is None:  # psycopg: no connection could be made, or it broke off
        return "unavailable" if isinstance(exc, OperationalError) else None
    return "unavailable" if sqlstate.startswith("08") or sqlstate in PG_UNAVAILABLE else None


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError):
        db.session.rollback()
        logger.info("Refused %s %s: %s", request.method, request.path, exc.code)
        security_event("transition_refused", outcome="refused", reason=exc.code, status=exc.status)
        if is_api_request():
            guard = getattr(exc, "guard", None)
            return problem(
                exc.status,
                f"{exc.message} (Bedingung „{guard}“ nicht erfüllt)" if guard else exc.message,
                kind=exc.code,
                errors=exc.errors,
                guard=guard,
            )
        return _page(exc.status, exc.message, back=request.referrer)

    @app.errorhandler(AlreadySubmitted)
    def _already_submitted(exc: AlreadySubmitted):
        db.session.rollback()
        logger.info("Form sent again: %s %s", request.method, request.path)
        if exc.result_url is None:
            return _page(409, _("Dieses Formular wurde bereits abgeschickt."))
        flash(
            _(
                "Dieses Formular war bereits abgeschickt worden und wurde nur einmal "
                "gespeichert. Hier sehen Sie das Ergebnis."
            ),
            "info",
        )
        return redirect(exc.result_url)

    @app.errorhandler(FormExpired)
    def _form_expired(exc: FormExpired):
        db.session.rollback()
        return _page(400, FORM_EXPIRED)

    @app.errorhandler(LimitReached)
    def _limit_reached(exc: LimitReached):
        db.session.rollback()
        minutes = max(1, math.ceil(exc.retry_after / 60))
        html = render_template(
            "errors/too_many_requests.html",
            title=TITLES[429],
            minutes=minutes,
            contact=exc.contact or current_app.config["OPERATOR_EMAIL"],
            back=request.path,
        )
        return html, 429, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem):
        db.session.rollback()
        return problem(
            exc.status,
            exc.detail,
            kind=exc.kind,
            errors=exc.errors,
            headers=exc.headers,
            **exc.extra,
        )

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        if is_api_request():
            return problem(413)
        return _page(413, MESSAGES[413], back=request.referrer)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        if is_api_request():
            headers = {"Allow": exc.valid_methods} if getattr(exc, "valid_methods", None) else {}
            if headers:
                headers["Allow"] = ", ".join(headers["Allow"])
            return problem(code, DETAILS.get(code, exc.description), headers=headers)
        message = MESSAGES.get(code, exc.description)
        if code == 400 and "CSRF" in (exc.description or ""):
            message = FORM_EXPIRED
        return _page(code, message)

    @app.errorhandler(DBAPIError)
    def _database_trouble(exc: DBAPIError):
        trouble = database_trouble(exc)
        if trouble is None:
            return _unexpected(exc)
        _rollback_quietly()
        reason = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
        logger.warning("Database %s on %s %s: %s", trouble, request.method, request.path, reason[0])
        if is_api_request():
            detail = UNAVAILABLE_DETAIL if trouble == "unavailable" else None
            return problem(503, detail, headers=RETRY_AFTER)
        return _try_again_page(trouble)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        _rollback_quietly()
        reference = uuid.uuid4().hex[:12]
        logger.exception("Unexpected error, reference %s", reference)
        if is_api_request():
            return problem(500, reference=reference)
        return _page(500, MESSAGES[500], reference=reference)


def _rollback_quietly() -> None:
    """Roll the session back; a connection that is gone has nothing to roll back."""
    try:
        db.session.rollback()
    except DBAPIError:
        logger.info("Rollback failed; the connection is gone and will be replaced")


def _page(status: int, message: str, back: str | None = None, reference: str | None = None):
    """Render the error page with its status; a 503 page if the database fails meanwhile.

    The page header shows who is logged in, which may ask the database: while it is away,
    any error page (a 404, a refused CSRF token) would otherwise fail in its turn.
    """
    try:
        html = render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status) or _("Fehler"),
            message=message,
            back=back if back and back.startswith(request.host_url) else None,
            reference=reference,
        )
    except DBAPIError as exc:
        trouble = database_trouble(exc)
        if trouble is None:
            raise
        _rollback_quietly()
        return _try_again_page(trouble)
    return html, status


def _try_again_page(trouble: str):
    """Render the 503 page without asking the database anything (it shows nobody logged in)."""
    g._login_user = login_manager.anonymous_user()
    message = UNAVAILABLE if trouble == "unavailable" else MESSAGES[503]
    html = render_template("errors/error.html", status=503, title=TITLES[503], message=message)
    return html, 503, RETRY_AFTER
