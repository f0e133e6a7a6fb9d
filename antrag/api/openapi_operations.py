"""Building blocks of the OpenAPI document's operations, and the uniform resources' paths."""

from .inputs import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from .openapi_schemas import ID, camel, ref

# The problems of the three kinds of operations, besides what each adds.
READ = (401, 503)
# Cases: an administrator's token gets 403 (api/blueprint.py, ADMIN_ENDPOINTS).
CASE_LIST = (401, 403, 422, 503)
OBJECT_READ = (401, 403, 404, 503)
WRITE = (400, 401, 403, 404, 409, 413, 415, 422, 503)
TAG_ACCOUNT = "Konto und Stammdaten"
TAG_DOCS = "Dokumentation"


def header(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        name: {"description": description, "required": True, "schema": schema or {"type": "string"}}
    }


# --- building blocks of operations ---------------------------------------------------------


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    *,
    ok: dict,
    problems=READ,
    description: str | None = None,
    parameters=(),
    body: dict | None = None,
    public: bool = False,
) -> dict:
    """Return an operation object; `problems` are the statuses of its problem responses."""
    result = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if description:
        result["description"] = description
    if parameters:
        result["parameters"] = list(parameters)
    if body:
        result["requestBody"] = body
    result["responses"] = ok | {
        str(status): {"$ref": f"#/components/responses/Problem{status}"}
        for status in sorted(problems)
    }
    if public:
        result["security"] = []
    return result


def json_ok(schema: str, description: str, *, status=200, location: str | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if location:
        response["headers"] = header("Location", location)
    return {str(status): response}


# `Prefer: return=minimal` on a transition (api/prefer.py).
PREFER_PARAMETER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": "`return=minimal`: Die Antwort enthält nur `id`, `state`, `version` und den "
    "Verweis `self` statt des ganzen Vorgangs mit seinen Aktionen (RFC 7240, Abschnitt 4.2). "
    "Andere Wünsche werden übergangen.",
    "schema": {"type": "string", "maxLength": 1000},
    "example": "return=minimal",
}


def transition_ok(name: str) -> dict:
    """The answer of a transition: the resource, or with `return=minimal` its new state."""
    return {
        "200": {
            "description": "Die Aktion wurde ausgeführt.",
            "headers": {
                "Preference-Applied": {
                    "description": "`return=minimal`, wenn die Antwort nur den neuen Status "
                    "enthält.",
                    "required": False,
                    "schema": {"type": "string", "const": "return=minimal"},
                }
            },
            "content": {
                "application/json": {
                    "schema": {"oneOf": [ref(f"{name}Detail"), ref(f"{name}Minimal")]}
                }
            },
        }
    }


def pdf_ok(description: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def json_body(schema: str, description: str) -> dict:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }


UPLOAD_BODY = {
    "required": True,
    "description": "Die Datei im Feld `file` und die zuletzt gesehene `version`.",
    "content": {
        "multipart/form-data": {
            "schema": ref("Upload"),
            "encoding": {"file": {"contentType": "application/pdf"}},
        }
    },
}


def path_id(name="object_id", description="Die Nummer (`id`) des Vorgangs.") -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": ID}


def query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PAGINATION = (
    query(
        "page",
        "Die Seite, beginnend mit 1.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    ),
    query(
        "per_page",
        f"Einträge je Seite (höchstens {MAX_PER_PAGE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    ),
)


SYNC_HELP = (
    "Zum Abgleichen (Synchronisieren) `sort=updated_at` verwenden: aufsteigend nach dem "
    "Zeitpunkt der letzten Änderung (`updated_at`), dann `id`, und dem Link `next` folgen, "
    "bis er `null` ist. `next` trägt einen Cursor (`after`) hinter dem letzten Eintrag; ein "
    "Vorgang, der sich inzwischen ändert, erscheint dadurch einmal, später, im neuen Stand, "
    "und nichts wird übersprungen. Die jüngsten Sekunden (`API_SYNC_SETTLE_SECONDS`) "
    "erscheinen erst in einer späteren Anfrage. `changed_since` begrenzt auf Vorgänge, die "
    "sich seit dem Zeitpunkt geändert haben."
)
SYNC_PARAMETERS = (
    query(
        "sort",
        "Die Reihenfolge: `-updated_at` zuletzt geänderte zuerst (Standard), `updated_at` "
        "aufsteigend nach (`updated_at`, `id`) zum Abgleichen.",
        {"type": "string", "enum": ["-updated_at", "updated_at"], "default": "-updated_at"},
    ),
    query(
        "changed_since",
        "Nur Vorgänge, deren `updated_at` gleich oder später ist: ISO 8601 mit Zeitzone, "
        "zum Beispiel `2027-01-31T08:00:00Z` (ein `+` als `%2B`).",
        {"type": "string", "format": "date-time"},
    ),
    query(
        "after",
        "Der Cursor aus dem Link `next` (nur mit `sort=updated_at`, nicht mit `page`): "
        "`updated_at` und `id` des letzten gesehenen Eintrags, durch Komma getrennt.",
        {"type": "string", "maxLength": 60, "examples": ["2027-01-31T08:00:00.000000Z,42"]},
    ),
)


def add(paths: dict, path: str, method: str, op: dict) -> None:
    paths.setdefault(path, {})[method] = op


# --- the paths -------------------------------------------------------------------------------


def add_resource_paths(paths: dict, resource, states: list[str]) -> None:
    """Add list, detail, transitions and history of a workflow-driven resource."""
    name, tag = camel(resource.name), resource.title
    base = f"/{resource.path}"
    item = f"{base}/{{object_id}}"
    filters = (
        query("state", "Nur Vorgänge in diesem Status.", {"type": "string", "enum": states}),
        query("round", "Nur Vorgänge dieser Runde (`id`).", ID),
        query("municipality", "Nur Vorgänge dieser Kommune (`id`).", ID),
        *SYNC_PARAMETERS,
    )
    add(
        paths,
        base,
        "get",
        operation(
            f"{resource.name}_list",
            f"{tag} auflisten",
            tag,
            description="Die Vorgänge, die Sie sehen dürfen, zuletzt geänderte zuerst. "
            "Listeneinträge enthalten keine Aktionen. " + SYNC_HELP,
            parameters=(*PAGINATION, *filters),
            ok=json_ok(f"{name}Page", "Eine Seite der Liste."),
            problems=CASE_LIST,
        ),
    )
    add(
        paths,
        item,
        "get",
        operation(
            f"{resource.name}_detail",
            f"{tag}: ein Vorgang",
            tag,
            description="Der Vorgang mit den Aktionen Ihrer Rolle im aktuellen Status.",
            parameters=(path_id(),),
            ok=json_ok(f"{name}Detail", "Der Vorgang."),
            problems=OBJECT_READ,
        ),
    )
    add(
        paths,
        f"{item}/transitions",
        "post",
        operation(
            f"{resource.name}_transitions",
            f"{tag}: Aktion ausführen",
            tag,
            description="Führt eine Aktion (`trigger`) aus, zum Beispiel einreichen oder prüfen. "
            "Die möglichen Aktionen stehen in `actions` des Vorgangs. Antwortet mit dem Vorgang "
            "im neuen Status; mit dem Kopf `Prefer: return=minimal` nur mit `id`, `state`, "
            "`version` und dem Verweis `self` (RFC 7240).",
            parameters=(path_id(), PREFER_PARAMETER),
            body=json_body("TransitionRequest", "Die Aktion, die gesehene Version und Angaben."),
            ok=transition_ok(name),
            problems=WRITE,
        ),
    )
    add(
        paths,
        f"{item}/history",
        "get",
        operation(
            f"{resource.name}_history",
            f"{tag}: Verlauf",
            tag,
            description="Jeder Schritt des Vorgangs mit Person, Rolle, Kommentar und Prüfsumme.",
            parameters=(path_id(),),
            ok=json_ok("History", "Der Verlauf, ältester Schritt zuerst."),
            problems=OBJECT_READ,
        ),
    )
