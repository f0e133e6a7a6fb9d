"""Errors of the API as `application/problem+json` (RFC 9457), mapped in one place.

`type` is a relative URI into the API documentation page, where every kind is explained.
"""

from flask import jsonify, request

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# Kind of problem → (HTTP status, German title).
KINDS = {
    "bad_request": (400, "Ungültige Anfrage"),
    "unknown_action": (400, "Unbekannte Aktion"),
    "unauthorized": (401, "Nicht angemeldet"),
    "second_factor_required": (401, "Zweiter Faktor erforderlich"),
    "second_factor_missing": (403, "Kein zweiter Faktor eingerichtet"),
    "forbidden": (403, "Keine Berechtigung"),
    "not_found": (404, "Nicht gefunden"),
    "method_not_allowed": (405, "Methode nicht erlaubt"),
    "not_acceptable": (406, "Format nicht verfügbar"),
    "wrong_state": (409, "Aktion im aktuellen Status nicht möglich"),
    "stale": (409, "Veraltete Version"),
    "conflict": (409, "Konflikt"),
    "in_progress": (409, "Anfrage noch in Bearbeitung"),
    "too_large": (413, "Anfrage zu groß"),
    "unsupported_media_type": (415, "Falscher Inhaltstyp"),
    "invalid": (422, "Ungültige Eingaben"),
    "guard": (422, "Aktion nicht möglich"),
    "creation_refused": (422, "Anlegen nicht möglich"),
    "key_reused": (422, "Idempotency-Key bereits verwendet"),
    "internal": (500, "Interner Fehler"),
    "busy": (503, "Bitte noch einmal versuchen"),
}
# The kind used for an HTTP status that has no kind of its own.
KIND_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal",
    503: "busy",
}
DETAILS = {
    400: "Die Anfrage ist fehlerhaft.",
    401: "Bitte senden Sie einen gültigen persönlichen API-Token im Header "
    "„Authorization: Bearer …“.",
    403: "Ihre Rolle darf das nicht.",
    404: "Diese Ressource gibt es nicht, oder Sie dürfen sie nicht sehen.",
    405: "Diese Methode ist für diese Ressource nicht vorgesehen.",
    406: "Diese Ressource gibt es nur als JSON.",
    413: "Die Anfrage ist zu groß: höchstens 11 MB insgesamt, Dateien höchstens 10 MB.",
    415: "Bitte senden Sie JSON mit „Content-Type: application/json“.",
    500: "Es ist ein Fehler aufgetreten. Es wurde nichts gespeichert.",
    503: "Gerade bearbeiten viele Personen gleichzeitig Vorgänge. Es wurde nichts gespeichert; "
    "bitte versuchen Sie es in einigen Sekunden noch einmal.",
}


class ApiProblem(Exception):
    """Raised by API views for a refusal that is not the engine's (bad body, bad parameter)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict | None = None,
        kind=None,
        headers: dict | None = None,
        **extra,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.kind = kind or KIND_OF_STATUS.get(status, "bad_request")
        self.headers = headers or {}
        self.extra = extra


def invalid(errors: dict[str, str], detail: str = "Bitte prüfen Sie Ihre Eingaben.") -> ApiProblem:
    """Return the 422 problem of field-level validation errors."""
    return ApiProblem(422, detail, errors=errors, kind="invalid")


def is_api_request() -> bool:
    """Return whether the current request is addressed to the API."""
    return request.path.startswith(API_PREFIX)


def problem(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
):
    """Return a problem+json response."""
    kind = kind if kind in KINDS else KIND_OF_STATUS.get(status, "bad_request")
    body = {
        "type": f"/api/v1/docs#problem-{kind}",
        "title": KINDS[kind][1],
        "status": status,
        "detail": detail or DETAILS.get(status, KINDS[kind][1]),
        "instance": request.path,
    }
    if errors:
        body["errors"] = {str(k): str(v) for k, v in errors.items()}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="antrag"'
    return response
