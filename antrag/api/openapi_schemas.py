"""The component schemas of the OpenAPI document: exactly the shapes `serializers.py` builds.

Response objects are closed (`additionalProperties: false`), so that the tests and
Schemathesis notice any field the serializers add without describing it here.
"""

from ..applications.models import FIELDS_OF_ACTION
from ..engine.registry import ROLES
from ..engine.validation import INPUT_KINDS
from ..programme.models import ELIGIBILITY
from .inputs import MAX_ID
from .problems import KINDS

AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["60750.00"]}
DATE_TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
TEXT = {"type": "string"}
BOOL = {"type": "boolean"}
URL = {"type": "string", "format": "uri-reference"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
IBAN = {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}
ROLE = {"type": "string", "enum": [r for r in ROLES if r != "system"]}
ACTOR = {"type": "string", "enum": list(ROLES)}
COMMENT_RULE = {"type": "string", "enum": ["required", "optional", "none"]}


# The fields a history entry's hash covers (antrag.engine.history.hashed_content); the last
# three only where the entry has them.
HASHED_CONTENT = {
    "type": "object",
    "properties": {
        "seq": {"type": "integer", "minimum": 1},
        "case_id": ID,
        "workflow": TEXT,
        "workflow_version": {"type": "integer", "minimum": 1},
        "trigger": TEXT,
        "from": {"type": ["string", "null"]},
        "to": TEXT,
        "actor_id": {"type": ["integer", "null"]},
        "actor_name": TEXT,
        "actor_role": ACTOR,
        "comment": {"type": ["string", "null"]},
        "inputs": {"type": "string", "description": "canonical JSON, as hashed"},
        "created_at": TEXT,
        "definition_fingerprint": SHA256,
        "subject_snapshot": {"type": "string", "description": "canonical JSON, as hashed"},
        "subject_hash": SHA256,
    },
    "required": [
        "seq",
        "case_id",
        "workflow",
        "workflow_version",
        "trigger",
        "from",
        "to",
        "actor_id",
        "actor_name",
        "actor_role",
        "comment",
        "inputs",
        "created_at",
    ],  # fmt: skip
    "additionalProperties": False,
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """Return `schema` that also admits null."""
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    result = {**schema, "type": [*types, "null"]}
    if "enum" in schema:
        result["enum"] = [*schema["enum"], None]
    return result


def closed(properties: dict, *, optional=(), description: str | None = None) -> dict:
    """Return an object schema with exactly these properties, all required but `optional`."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def page_of(item: dict) -> dict:
    return closed(
        {
            "items": array(item),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
        },
        description="Eine Seite einer Liste.",
    )


def camel(name: str) -> str:
    """Return the schema name of a resource name: funding_notice → FundingNotice."""
    return "".join(part.capitalize() for part in name.split("_"))


INPUT_DEF = closed(
    {
        "name": TEXT,
        "label": TEXT,
        "kind": {"type": "string", "enum": list(INPUT_KINDS)},
        "required": BOOL,
    },
    description="Eine Angabe, die eine Aktion verlangt oder erlaubt.",
)

SCHEMAS = {
    "Problem": closed(
        {
            "type": {"type": "string", "enum": [f"/api/v1/docs#problem-{k}" for k in KINDS]},
            "title": TEXT,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": TEXT,
            "instance": TEXT,
            "errors": {
                "type": "object",
                "additionalProperties": TEXT,
                "description": "Feld → deutsche Meldung (nur bei ungültigen Eingaben).",
            },
            "guard": {**TEXT, "description": "Die Bedingung, die die Aktion verhindert hat."},
            "reference": {**TEXT, "description": "Vorgangsnummer eines internen Fehlers."},
            "existing": {**URL, "description": "Der bereits vorhandene Antrag."},
            "header": {**TEXT, "description": "Der Kopf, der den Code des zweiten Faktors trägt."},
        },
        optional=("errors", "guard", "reference", "existing", "header"),
        description="Ein Fehler nach RFC 9457 (application/problem+json).",
    ),
    "MunicipalityRef": closed({"id": ID, "name": TEXT, "ags": TEXT}),
    "RoundRef": closed({"id": ID, "name": TEXT}),
    "Me": closed(
        {
            "id": ID,
            "email": TEXT,
            "name": TEXT,
            "role": ROLE,
            "role_label": TEXT,
            "municipality": nullable(ref("MunicipalityRef")),
            "organisation": nullable(TEXT),
            "can_sign": BOOL,
        },
        description="Das Konto, dem der Token gehört.",
    ),
    "Municipality": closed(
        {
            "id": ID,
            "ags": {"type": "string", "pattern": "^[0-9]{8}$"},
            "name": TEXT,
            "kind": TEXT,
            "kind_label": TEXT,
            "is_city": BOOL,
            "population": {"type": "integer", "minimum": 0},
        }
    ),
    "PaymentOrder": closed(
        {
            "number": TEXT,
            "amount": AMOUNT,
            "payee_name": TEXT,
            "iban": IBAN,
            "bic": {"type": ["string", "null"]},
            "purpose": TEXT,
            "budget_chapter": {"type": ["string", "null"]},
            "budget_title": {"type": ["string", "null"]},
            "budget_year": {"type": "integer"},
            "ordered_on": DATE,
            "due_on": DATE,
            "confirmed_at": nullable(DATE_TIME),
            "value_date": nullable(DATE),
        },
        description="Auszahlungsanordnung eines freigegebenen Mittelabrufs (nur lesbar).",
    ),
    "BankAccount": closed(
        {"iban": IBAN, "bic": {"type": ["string", "null"]}, "holder": TEXT},
        description="Das Konto, das die Kommune beim Abruf genannt hat.",
    ),
    "Budget": closed(
        dict.fromkeys(
            (
                "total",
                "committed",
                "reserved",
                "ordered",
                "paid",
                "reclaimed",
                "reclaim_due",
                "available",
            ),
            AMOUNT,
        ),
        description="Haushaltszahlen einer Runde (nur Ministerium und Administration).",
    ),
    "Round": closed(
        {
            "id": ID,
            "name": TEXT,
            "programme": TEXT,
            "opens_on": DATE,
            "closes_on": DATE,
            "open": BOOL,
            "standard_amount": AMOUNT,
            "eligibility": {"type": "string", "enum": list(ELIGIBILITY)},
            "eligibility_label": TEXT,
            "eligible": {**BOOL, "description": "Nur für Kommunen: ob sie antragsberechtigt sind."},
            "budget": ref("Budget"),
        },
        optional=("eligible", "budget"),
    ),
    "RoundPage": page_of(ref("Round")),
    "MunicipalityPage": page_of(ref("Municipality")),
    "MentorLoad": closed(
        {
            "id": ID,
            "name": TEXT,
            "capacity": {"type": "integer", "minimum": 0},
            "active_assignments": {"type": "integer", "minimum": 0},
            "fields_of_action": array(TEXT),
        },
        description="Eine Mentorin oder ein Mentor mit Kapazität und aktueller Auslastung.",
    ),
    "MentoringGap": closed(
        {
            "id": ID,
            "application_id": ID,
            "municipality": ref("MunicipalityRef"),
            "fields_of_action": array(TEXT),
            "flagged_at": DATE_TIME,
            "mentors": array(ref("MentorLoad")),
        },
        description="Eine Kommune, für die kein passendes Mentoring mehr frei war.",
    ),
    "MentoringGapPage": page_of(ref("MentoringGap")),
    "InputDef": INPUT_DEF,
    "WorkflowState": closed(
        {
            "name": TEXT,
            "label": TEXT,
            "final": BOOL,
            "actor": nullable(ACTOR),
            "hint": nullable(TEXT),
        }
    ),
    "WorkflowTransition": closed(
        {
            "trigger": TEXT,
            "label": TEXT,
            "sources": array(TEXT),
            "dest": TEXT,
            "roles": array(ACTOR),
            "guards": array(TEXT),
            "comment": COMMENT_RULE,
            "comment_label": TEXT,
            "inputs": array(ref("InputDef")),
            "timeout": BOOL,
        }
    ),
    "Workflow": closed(
        {
            "name": TEXT,
            "version": {"type": "integer", "minimum": 1},
            "label": TEXT,
            "subject": TEXT,
            "initial": TEXT,
            "states": array(ref("WorkflowState")),
            "transitions": array(ref("WorkflowTransition")),
        }
    ),
    "WorkflowList": closed({"items": array(ref("Workflow"))}),
    "Action": closed(
        {
            "trigger": TEXT,
            "label": TEXT,
            "allowed": BOOL,
            "reason": nullable(TEXT),
            "comment": COMMENT_RULE,
            "comment_label": TEXT,
            "inputs": array(ref("InputDef")),
        },
        description="Eine Aktion Ihrer Rolle im aktuellen Status; `reason` sagt, warum sie "
        "gerade nicht möglich ist.",
    ),
    "HistoryEntry": closed(
        {
            "seq": {"type": "integer", "minimum": 1},
            "at": DATE_TIME,
            "trigger": TEXT,
            "label": TEXT,
            "from_state": nullable(TEXT),
            "from_label": nullable(TEXT),
            "to_state": TEXT,
            "to_label": TEXT,
            "actor": closed({"id": nullable(ID), "name": TEXT, "role": ACTOR, "role_label": TEXT}),
            "comment": nullable(TEXT),
            "comment_withheld": {
                "type": "boolean",
                "const": True,
                "description": "Nur für Kommunen und Mentoring: der Kommentar ist intern "
                "(Mitzeichnung); die Entscheidung erreicht die Kommune als Bescheid.",
            },
            "inputs": {"type": "object"},
            "subject_hash": nullable(SHA256),
            "hashed_content": HASHED_CONTENT,
            "hash": SHA256,
            "prev_hash": {"type": "string"},
        },
        optional=("comment_withheld",),
        description="Ein Eintrag des Verlaufs. `hashed_content` enthält genau die Felder, "
        "über die `hash` gebildet ist (mit `prev` = `prev_hash`); `subject_hash` ist der "
        "SHA-256 von `hashed_content.subject_snapshot`, den maßgeblichen Daten des Vorgangs "
        "nach dem Schritt. Kommunen und Mentoring sehen die internen Schritte des Ministeriums "
        "nicht (Vorschläge, Rückgaben).",
    ),
    "History": closed({"items": array(ref("HistoryEntry"))}),
    "Links": closed({"self": URL, "history": URL, "transitions": URL, "html": URL}),
    "Attachment": closed(
        {
            "id": ID,
            "kind": TEXT,
            "file_name": TEXT,
            "content_type": TEXT,
            "size": {"type": "integer", "minimum": 0},
            "sha256": SHA256,
            "uploaded_at": DATE_TIME,
            "url": URL,
        }
    ),
    "Project": closed(
        {
            "id": ID,
            "title": nullable(TEXT),
            "description": nullable(TEXT),
            "field_of_action": nullable({"type": "string", "enum": list(FIELDS_OF_ACTION)}),
            "field_of_action_label": nullable(TEXT),
            "period_start": nullable(DATE),
            "period_end": nullable(DATE),
            "estimated_cost": nullable(AMOUNT),
        }
    ),
}
