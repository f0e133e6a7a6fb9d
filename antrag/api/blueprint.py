"""The API blueprint: bearer-token authentication, no session cookies, no CSRF, no caching."""

from flask import Blueprint, g, request
from flask_login import AnonymousUserMixin

from ..extensions import csrf
from ..idempotency import api as idempotency
from ..read_phase import read_phase
from ..security import security_event
from .problems import ApiProblem
from .tokens import authenticate

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are accepted, so there is no cross-site request to forge

# Endpoints anyone may read: the description of the API itself.
PUBLIC_ENDPOINTS = {"api.openapi", "api.docs"}
# What an administrator's token may read: the account and master data. Administrators do
# not see cases (DESIGN.md §1: nobody else reads a city's data), and the API says so.
ADMIN_ENDPOINTS = {"api.me", "api.rounds", "api.municipalities", "api.workflows"}
ADMIN_DETAIL = (
    "Die Administration sieht keine Vorgänge (Anträge, Bescheide, Mittelabrufe, "
    "Nachweise, Mentoring). Bitte verwenden Sie den Token eines Kontos des Ministeriums, "
    "einer Kommune oder von KL.digital."
)


@bp.before_request
def _authenticate():
    """Let the request act as the token's user; ignore any session cookie."""
    # Set before anything reads current_user, so that Flask-Login never looks at the session.
    g._login_user = AnonymousUserMixin()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    with read_phase():  # SQLite: looking up the token needs no write lock
        user = authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        security_event("api_token_refused", outcome="refused", status=401, scheme=scheme[:20])
        raise ApiProblem(401, _unauthorized_detail(scheme))
    g._login_user = user
    if user.role == "admin" and request.endpoint not in ADMIN_ENDPOINTS:
        security_event("access_refused", user=user, obj=request.endpoint, outcome="refused")
        raise ApiProblem(403, ADMIN_DETAIL)


@bp.before_request
def _repeated_request():
    """Answer a POST sent again with the same Idempotency-Key from its first answer."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return idempotency.begin()
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return idempotency.record(response)


def _unauthorized_detail(scheme: str) -> str:
    if not scheme:
        return (
            "Bitte senden Sie einen persönlichen API-Token im Header "
            "„Authorization: Bearer …“. Sitzungs-Cookies gelten für die API nicht."
        )
    return "Der API-Token ist unbekannt, widerrufen oder gehört zu einem deaktivierten Konto."
