"""Reading and checking what clients send: JSON bodies, query parameters, path ids.

Every refusal is a problem with German field-level messages: 400 for a body that is not
JSON at all, 415 for the wrong content type, 422 for values that are not acceptable.
"""

import functools
import re
from datetime import date
from decimal import Decimal

from flask import request
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm.util import identity_key

from ..engine import history, prefetch
from ..extensions import db
from ..formats import format_money
from ..input_text import text_problem
from ..routing import MAX_ID
from ..security import security_event
from .problems import ApiProblem, invalid

MAX_PAGE = 100_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# An amount as a decimal string: digits, optionally a point and one or two decimals.
AMOUNT_RE = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def json_body() -> dict:
    """Return the request's JSON object; refuse other content types and malformed JSON."""
    if request.mimetype != "application/json":
        raise ApiProblem(415, "Bitte senden Sie JSON mit „Content-Type: application/json“.")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting is as malformed as broken JSON
        body = None
    if body is None:
        raise ApiProblem(400, "Der Inhalt der Anfrage ist kein gültiges JSON.")
    if not isinstance(body, dict):
        raise ApiProblem(400, "Der Inhalt der Anfrage muss ein JSON-Objekt sein.")
    return body


def peeked_trigger() -> str | None:
    """Return the `trigger` a JSON body names, or None; refuses nothing (`json_body` does)."""
    if request.mimetype != "application/json":
        return None
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return None
    trigger = body.get("trigger") if isinstance(body, dict) else None
    return trigger if isinstance(trigger, str) else None


def multipart_form():
    """Return the request's form and files; refuse other content types."""
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "Bitte senden Sie die Datei als „multipart/form-data“.")
    return request.form, request.files


def unknown_fields(body: dict, allowed) -> dict[str, str]:
    """Return an error for every key of `body` that is not in `allowed`."""
    return {key: "Dieses Feld gibt es nicht." for key in body if key not in allowed}


def get_text(body: dict, name: str, errors: dict, *, limit: int, required=False, multiline=False):
    """Return the stripped string (or None) at `name`, recording a message in `errors`.

    The text follows the rule of `input_text`, as in the forms: one-line unless `multiline`.
    """
    value = body.get(name)
    if value is None:
        if required:
            errors[name] = "Bitte geben Sie einen Wert an."
        return None
    if not isinstance(value, str):
        errors[name] = "Bitte geben Sie einen Text an."
        return None
    problem = text_problem(value, multiline=multiline)
    if problem:
        errors[name] = problem
        return None
    value = value.strip()
    if len(value) > limit:
        errors[name] = f"Höchstens {limit} Zeichen."
        return None
    if required and not value:
        errors[name] = "Bitte geben Sie einen Wert an."
    return value or None


def get_int(body: dict, name: str, errors: dict, *, required=True, minimum=1):
    """Return an integer at `name` (JSON booleans are not integers)."""
    value = body.get(name)
    if value is None:
        if required:
            errors[name] = "Bitte geben Sie eine ganze Zahl an."
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = "Bitte geben Sie eine ganze Zahl an."
        return None
    if not minimum <= value <= MAX_ID:
        errors[name] = f"Bitte geben Sie eine ganze Zahl von {minimum} bis {MAX_ID} an."
        return None
    return value


def get_bool(body: dict, name: str, errors: dict):
    value = body.get(name)
    if not isinstance(value, bool):
        errors[name] = "Bitte geben Sie true oder false an."
        return None
    return value


def get_amount(body: dict, name: str, errors: dict, *, maximum: Decimal):
    """Return a decimal amount given as a string like "60750.00" (or None if null)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[name] = 'Bitte geben Sie den Betrag als Zeichenkette an, zum Beispiel "60750.00".'
        return None
    text = value.strip()
    if text.startswith("-") and AMOUNT_RE.fullmatch(text[1:]):
        errors[name] = "Der Betrag darf nicht negativ sein."
        return None
    if not AMOUNT_RE.fullmatch(text):
        errors[name] = (
            "Bitte geben Sie einen Betrag mit Punkt und höchstens zwei Nachkommastellen an, "
            'zum Beispiel "60750.00".'
        )
        return None
    amount = Decimal(text)
    if amount > maximum:
        errors[name] = f"Der Betrag darf höchstens {format_money(maximum)} sein."
        return None
    return amount.quantize(Decimal("0.01"))


def get_date(body: dict, name: str, errors: dict):
    """Return an ISO 8601 date (or None if null)."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors[name] = 'Bitte geben Sie ein Datum im Format JJJJ-MM-TT an, zum Beispiel "2027-01-31".'
    return None


def query_int(name: str, errors: dict, *, default=None, maximum=MAX_ID):
    """Return a positive integer query parameter, or `default` when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        errors[name] = f"Bitte geben Sie eine ganze Zahl von 1 bis {maximum} an."
        return default
    return int(raw)


def pagination() -> tuple[int, int]:
    """Return (page, per_page) from the query, refusing bad values with 422."""
    errors: dict[str, str] = {}
    page = query_int("page", errors, default=1, maximum=MAX_PAGE)
    per_page = query_int("per_page", errors, default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    if errors:
        raise invalid(errors)
    return page, per_page


@functools.cache
def _by_id(model, options: tuple):
    """Return the statement that loads one `model` row by id with `options`, built once."""
    return select(model).options(*options).where(model.id == bindparam("object_id"))


@functools.cache
def _by_id_drawing(model, options: tuple, draw: tuple):
    """Return `_by_id`'s statement that also returns the columns `draw` (PostgreSQL), built once.

    They are drawn once, in a MATERIALIZED CTE over the subject's row that the load joins:
    in the load's own select list they would be drawn again for each of its rows (one per
    project and attachment joined), each time a seq more and every read again.
    """
    once = (
        select(*draw)
        .where(model.id == bindparam("object_id"))
        .cte("drawn")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(model, *once.c)
        .join(once, true())
        .options(*options)
        .where(model.id == bindparam("object_id"))
    )


@functools.cache
def _seq_draw(dialect: str) -> tuple:
    """The columns that draw one history seq on `dialect`, built once (they key `_by_id`)."""
    return history.seq_draw(1)


def get_visible(
    model, object_id: int, user, options: tuple = (), *, transition: bool = False, reads=()
):
    """Return the object if it exists and `user` may see it; otherwise a 404 problem.

    For a `transition` on PostgreSQL the same statement draws the history seq of its entry
    (`history.seq_draw`), which then needs no statement of its own (a seq drawn for a
    transition that does not happen is a gap, as seqs may have), and the `reads` its guards,
    effects and mail declared (`engine.prefetch`), which it hands to their keepers.
    """
    obj = None
    if 1 <= object_id <= MAX_ID:
        # The session's own copy if it has one (as `Session.get`), else one statement.
        obj = db.session.identity_map.get(identity_key(model, object_id))
        if obj is None and transition and db.session.get_bind().dialect.name == "postgresql":
            seq = _seq_draw("postgresql")
            drawn = prefetch.columns(model, reads)
            row = (
                db.session.execute(
                    _by_id_drawing(model, options, seq + drawn), {"object_id": object_id}
                )
                .unique()
                .one_or_none()
            )
            if row is not None:
                obj = row[0]
                history.drawn_ahead(row[1 : 1 + len(seq)])
                prefetch.keep(obj, reads, row[1 + len(seq) :])
        elif obj is None:
            obj = (
                db.session.scalars(_by_id(model, options), {"object_id": object_id})
                .unique()
                .one_or_none()
            )
    if obj is None or not obj.can_view(user):
        security_event(
            "access_refused", user=user, obj=f"{model.__name__}:{object_id}", outcome="refused"
        )
        raise ApiProblem(404, "Diese Ressource gibt es nicht, oder Sie dürfen sie nicht sehen.")
    return obj
