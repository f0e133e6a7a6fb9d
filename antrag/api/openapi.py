"""The OpenAPI 3.1 description of the API, built from the resources and the workflows.

The document is built once per app (the workflow definitions give the state names) and
kept in `app.extensions`; the documentation page is rendered from the same document.
"""

from flask import current_app

from .. import engine
from ..idempotency.api import HEADER
from .openapi_operations import TAG_ACCOUNT, TAG_DOCS, add_resource_paths, header
from .openapi_paths import add_other_paths
from .openapi_request_schemas import REQUEST_SCHEMAS
from .openapi_resource_schemas import resource_schemas
from .openapi_schemas import SCHEMAS, ref
from .problems import KINDS

EXTENSION_KEY = "antrag.api.openapi"
SERVER = "/api/v1"
PROBLEM_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 503)

DESCRIPTION = """\
Die Schnittstelle (API) von Antrag für Fachverfahren und Skripte der Kommunen, des
Ministeriums und von KL.digital. Sie darf genau dasselbe wie das Konto, dem der Token gehört.

* **Anmeldung:** persönlicher Token im Kopf `Authorization: Bearer …`. Tokens erstellen Sie
  auf der Seite „API-Zugänge“ (`/konto/api-tokens`) oder mit
  `flask --app wsgi users token EMAIL --name NAME`. Sitzungs-Cookies gelten nicht.
* **Format:** JSON (UTF-8). Beträge sind Zeichenketten mit zwei Nachkommastellen
  (`"60750.00"`), Zeitpunkte ISO 8601 mit Zeitzone (UTC), Daten ISO 8601 (`2027-01-31`).
* **Änderungen** senden die `version` des Vorgangs mit, die Sie zuletzt gesehen haben; hat
  jemand anderes den Vorgang inzwischen geändert, antwortet die API mit 409.
* **Wiederholen ohne Doppel:** Jeder POST darf einen Kopf `Idempotency-Key` tragen (zum
  Beispiel eine neue UUID je Vorgang). Senden Sie dieselbe Anfrage mit demselben Schlüssel
  noch einmal, etwa nach einem Zeitüberschreitungsfehler, wird sie nicht noch einmal
  ausgeführt: Sie erhalten die erste Antwort wieder (Status, Inhalt, `Location`, dazu
  `Idempotent-Replayed: true`). Derselbe Schlüssel mit anderem Pfad oder Inhalt (oder bei
  einer Aktion mit anderem `Prefer`) ergibt 422. Schlüssel gelten je Konto und {key_hours}
  Stunden; nur erfolgreiche Antworten werden aufbewahrt, eine abgelehnte Anfrage dürfen Sie
  mit demselben Schlüssel verbessert erneut senden.
* **Kurze Antworten:** Eine Aktion (`…/transitions`) antwortet mit dem ganzen Vorgang im
  neuen Status. Wer nur Status und Version braucht (etwa ein Skript, das viele Vorgänge
  bearbeitet), sendet den Kopf `Prefer: return=minimal` (RFC 7240) und erhält `id`,
  `state`, `version` und den Verweis `self`, dazu `Preference-Applied: return=minimal`.
* **Zweiter Faktor:** Bescheide erlassen (unterschreiben), Zahlungen freigeben und
  Rückforderungen entscheiden verlangen zusätzlich den aktuellen Code der Authenticator-App
  des Kontos im Kopf `X-Second-Factor` (jeder Code gilt einmal); ohne ihn antwortet die API
  mit 401 `second_factor_required`, ein Konto ohne App mit 403 `second_factor_missing`.
* **Fehler** kommen als `application/problem+json` (RFC 9457); `type` verweist auf die
  Erklärung in der Dokumentation, `errors` nennt bei ungültigen Eingaben jedes Feld.
"""

# What each kind of problem means for a client, shown on the documentation page.
PROBLEM_HELP = {
    "bad_request": "Der Inhalt ist kein gültiges JSON oder kein JSON-Objekt.",
    "unknown_action": "Diese Aktion (`trigger`) gibt es im Workflow nicht; die möglichen "
    "stehen in `actions` des Vorgangs und unter /workflows.",
    "unauthorized": "Kein, ein unbekannter oder ein widerrufener Token, oder das Konto ist "
    "deaktiviert.",
    "second_factor_required": "Die Aktion (unterschreiben, freigeben, entscheiden) braucht den "
    "aktuellen Code der Authenticator-App im Kopf `X-Second-Factor`; er fehlt, ist falsch "
    "oder wurde schon verwendet.",
    "forbidden": "Ihre Rolle darf diese Aktion nicht ausführen; die Administration sieht keine "
    "Vorgänge.",
    "second_factor_missing": "Die Aktion braucht einen zweiten Faktor, und für das Konto ist "
    "keine Authenticator-App eingerichtet (Seite „Zweiter Faktor“, `/konto/zweiter-faktor`).",
    "not_found": "Die Ressource gibt es nicht, oder Sie dürfen sie nicht sehen (die API "
    "unterscheidet das absichtlich nicht).",
    "method_not_allowed": "Diese Methode ist für den Pfad nicht vorgesehen; der Kopf `Allow` "
    "nennt die möglichen.",
    "not_acceptable": "Die Ressource gibt es nur als JSON.",
    "wrong_state": "Die Aktion ist im aktuellen Status des Vorgangs nicht möglich.",
    "stale": "Jemand hat den Vorgang geändert, seit Sie ihn geladen haben: `version` ist "
    "veraltet. Laden Sie ihn neu und entscheiden Sie erneut.",
    "conflict": "Die Anfrage widerspricht dem Bestand, zum Beispiel ein zweiter Antrag "
    "derselben Kommune in einer Runde (`existing` nennt den vorhandenen).",
    "too_large": "Die Anfrage ist zu groß: höchstens 11 MB insgesamt, Dateien höchstens 10 MB.",
    "unsupported_media_type": "Falscher `Content-Type`: JSON mit `application/json`, Dateien "
    "mit `multipart/form-data`.",
    "invalid": "Eingaben sind ungültig; `errors` nennt jedes Feld mit einer Meldung.",
    "guard": "Eine Bedingung der Aktion ist nicht erfüllt; `guard` nennt sie, `detail` "
    "erklärt sie.",
    "creation_refused": "Der Vorgang kann nicht angelegt werden, zum Beispiel weil die Runde "
    "geschlossen ist.",
    "key_reused": "Der `Idempotency-Key` wurde schon für eine andere Anfrage (anderer Pfad, "
    "Inhalt oder `Prefer: return=minimal` bei einer Aktion) verwendet. Jede neue Anfrage "
    "braucht einen neuen Schlüssel.",
    "in_progress": "Eine Anfrage mit diesem `Idempotency-Key` wurde gerade ausgeführt, ihre "
    "Antwort wird noch gespeichert. Senden Sie sie nach `Retry-After` Sekunden noch einmal.",
    "internal": "Ein unerwarteter Fehler; es wurde nichts gespeichert. `reference` nennt die "
    "Vorgangsnummer für die Administration.",
    "busy": "Die Datenbank ist gerade ausgelastet; es wurde nichts gespeichert. Versuchen Sie "
    "es nach `Retry-After` Sekunden noch einmal.",
}


def document() -> dict:
    """Return the OpenAPI document of the current app, building it on first use."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        extensions[EXTENSION_KEY] = build()
    return extensions[EXTENSION_KEY]


def build() -> dict:
    """Build the whole document."""
    from . import revisions
    from .resources import RESOURCES

    schemas = dict(SCHEMAS)
    paths: dict[str, dict] = {}
    for resource in RESOURCES:
        states = states_of(resource.workflow)
        schemas.update(resource_schemas(resource, states))
        add_resource_paths(paths, resource, states)
    add_other_paths(paths)
    revisions.add_paths(paths)
    schemas["Revision"] = revisions.SCHEMA
    add_idempotency_key(paths)
    add_second_factor_header(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Antrag API",
            "version": "1",
            "description": DESCRIPTION.format(
                key_hours=current_app.config["IDEMPOTENCY_KEY_HOURS"]
            ),
        },
        "servers": [{"url": SERVER}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": TAG_ACCOUNT, "description": "Ihr Konto, Runden, Kommunen und Workflows."},
            *({"name": r.title} for r in RESOURCES),
            {"name": TAG_DOCS, "description": "Diese Beschreibung, ohne Anmeldung lesbar."},
        ],
        "paths": paths,
        "x-problem-kinds": [
            {"kind": kind, "status": status, "title": title, "description": PROBLEM_HELP[kind]}
            for kind, (status, title) in KINDS.items()
        ],
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Persönlicher API-Token (beginnt mit `antrag_`).",
                }
            },
            "schemas": schemas | REQUEST_SCHEMAS,
            "responses": problem_responses(),
        },
    }


def add_idempotency_key(paths: dict) -> None:
    """Offer the optional `Idempotency-Key` header on every POST operation."""
    parameter = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": "Ein Schlüssel, den Sie für diese eine Anfrage wählen (zum Beispiel eine "
        "UUID). Dieselbe Anfrage mit demselben Schlüssel wird nur einmal ausgeführt; eine "
        "Wiederholung erhält die erste Antwort.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    }
    for item in paths.values():
        if "post" in item:
            item["post"].setdefault("parameters", []).append(parameter)


def add_second_factor_header(paths: dict) -> None:
    """Offer the `X-Second-Factor` header on every transition (see accounts/step_up.py)."""
    from ..accounts.step_up import API_HEADER

    parameter = {
        "name": API_HEADER,
        "in": "header",
        "required": False,
        "description": "Der aktuelle Code der Authenticator-App des Kontos; nötig für Aktionen, "
        "die unterschreiben, Zahlungen freigeben oder Rückforderungen entscheiden.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 12, "pattern": "^[!-~]+$"},
    }
    for path, item in paths.items():
        if path.endswith("/transitions") and "post" in item:
            item["post"].setdefault("parameters", []).append(parameter)


def states_of(workflow: str) -> list[str]:
    """Return the states of every version of `workflow`, the current version's first."""
    definitions = engine.workflows()
    states = list(definitions.current(workflow).state_order())
    for definition in definitions.all():
        if definition.name == workflow:
            states += [s for s in definition.state_order() if s not in states]
    return states


def problem_responses() -> dict:
    """Return one reusable response per problem status, naming its kinds."""
    responses = {}
    for status in PROBLEM_STATUSES:
        kinds = [kind for kind, (kind_status, _) in KINDS.items() if kind_status == status]
        response = {
            "description": "; ".join(f"{KINDS[k][1]} (`{k}`)" for k in kinds),
            "content": {"application/problem+json": {"schema": ref("Problem")}},
        }
        if status == 401:
            response["headers"] = header("WWW-Authenticate", 'Immer `Bearer realm="antrag"`.')
        if status == 409:
            response["headers"] = {
                "Retry-After": {
                    "description": "Bei `in_progress`: nach so vielen Sekunden erneut senden.",
                    "required": False,
                    "schema": {"type": "string"},
                }
            }
        if status == 503:
            response["headers"] = header(
                "Retry-After", "Nach so vielen Sekunden erneut versuchen.", {"type": "string"}
            )
        responses[f"Problem{status}"] = response
    return responses
