"""The `Idempotency-Key` header of the API: a POST sent again gets the first answer again.

`begin` runs before every API view. For a POST with the header it looks up the caller's
key: a key already answered replays that answer (status, body, Location) when the request
is the same, and is refused with 422 when it is not; an unknown key is inserted in the
request's own transaction, so it is committed together with what the request creates. A
parallel duplicate waits on the unique constraint (PostgreSQL) or the write lock (SQLite)
until then. `record` stores the answer right after the view's commit; a duplicate that
arrives in between gets 409 with `Retry-After`. Only successful answers (2xx) are kept: a
refused request changed nothing and may be sent again with the same key. Keys expire after
IDEMPOTENCY_KEY_HOURS.
"""

import hashlib
import json
import logging
import re
from datetime import timedelta

from flask import Response, current_app, g, request
from flask_login import current_user
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..api import prefer
from ..api.problems import ApiProblem
from ..clock import now
from ..extensions import db
from .models import IdempotencyKey

logger = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, e.g. a UUID
REPLAYED = "Idempotent-Replayed"


def begin() -> Response | None:
    """Answer a repeated POST from the stored answer, or claim its key; None to go on."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not KEY_RE.fullmatch(key):
        raise ApiProblem(
            400,
            f"Der Kopf „{HEADER}“ muss 1 bis 255 sichtbare ASCII-Zeichen haben, zum Beispiel "
            "eine UUID.",
            errors={HEADER: "1 bis 255 sichtbare ASCII-Zeichen."},
        )
    fingerprint = _fingerprint()
    for _attempt in range(2):
        stored = _stored(key)
        if stored is not None:
            return _repeat(stored, fingerprint)
        row = IdempotencyKey(
            user_id=current_user.id, key=key, fingerprint=fingerprint, created_at=now()
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue  # a parallel request with this key committed first
        g.idempotency_key_id = row.id
        return None
    raise _in_progress()


def record(response: Response) -> Response:
    """Keep a successful answer for the key claimed by `begin`; forget the key otherwise."""
    key_id = g.pop("idempotency_key_id", None)
    if key_id is None:
        return response
    try:
        if 200 <= response.status_code < 300:
            statement = (
                update(IdempotencyKey)
                .where(IdempotencyKey.id == key_id)
                .values(
                    status=response.status_code,
                    content_type=response.content_type,
                    location=response.headers.get("Location"),
                    body=response.get_data(as_text=True),
                )
            )
        else:  # nothing was created; normally the key was rolled back with the request
            db.session.rollback()
            statement = delete(IdempotencyKey).where(
                IdempotencyKey.id == key_id, IdempotencyKey.status.is_(None)
            )
        db.session.execute(statement.execution_options(synchronize_session=False))
        db.session.commit()
    except OperationalError:
        db.session.rollback()  # the answer stays unknown; a repeat is told so (409)
        logger.warning("Answer for idempotency key %s not recorded (database busy)", key_id)
    return response


def _stored(key: str) -> IdempotencyKey | None:
    """Return the caller's live record of `key`; an expired one is deleted."""
    stored = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key
        )
    )
    if stored is not None and stored.created_at <= now() - _lifetime():
        db.session.expunge(stored)
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == stored.id))
        return None
    return stored


def _repeat(stored: IdempotencyKey, fingerprint: str) -> Response:
    """Return the stored answer of a repeated request, or refuse the repetition."""
    if stored.fingerprint != fingerprint:
        raise ApiProblem(
            422,
            f"Dieser {HEADER} wurde bereits für eine andere Anfrage verwendet (anderer Pfad, "
            "anderer Inhalt oder andere Antwortform nach „Prefer“). Bitte verwenden Sie für "
            "jede neue Anfrage einen neuen Schlüssel.",
            kind="key_reused",
        )
    if stored.status is None:
        raise _in_progress()
    response = Response(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers[REPLAYED] = "true"
    if prefer.answers_minimal():  # the first request preferred it too (its fingerprint)
        prefer.applied(response)
    return response


def _in_progress() -> ApiProblem:
    return ApiProblem(
        409,
        f"Eine Anfrage mit diesem {HEADER} ist gerade ausgeführt worden; ihre Antwort wird "
        "noch gespeichert. Bitte senden Sie die Anfrage nach „Retry-After“ Sekunden noch "
        "einmal. Antwortet die API dann weiter so, prüfen Sie den Bestand, statt die Anfrage "
        "mit einem neuen Schlüssel zu senden.",
        kind="in_progress",
        headers={"Retry-After": "1"},
    )


def _fingerprint() -> str:
    """Return the SHA-256 of method, path and body; JSON and form fields in a stable order.

    A transition that prefers the minimal answer (`api/prefer.py`) is another request than
    the same without: the same key for both is refused, a repetition gets its own shape.
    """
    digest = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    if prefer.answers_minimal():
        digest.update(f"{prefer.HEADER}: {prefer.MINIMAL}\n".encode())
    if request.mimetype == "multipart/form-data":
        # A malformed part may come without a name; `str` keeps the order total.
        for name, value in sorted(request.form.items(multi=True), key=str):
            digest.update(json.dumps(["field", name, value]).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: str(item[0])):
            content = hashlib.sha256(upload.stream.read()).hexdigest()
            upload.stream.seek(0)
            digest.update(json.dumps(["file", name, upload.filename, content]).encode())
        return digest.hexdigest()
    data = request.get_data(cache=True)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        digest.update(data)
    else:
        digest.update(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])
