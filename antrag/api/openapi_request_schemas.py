"""Schemas of the request bodies: what clients send to create and change things."""

from ..applications.forms import DESCRIPTION_MAX, MAX_PROJECTS
from ..applications.models import FIELDS_OF_ACTION
from .openapi_schemas import BOOL, DATE, ID, array, nullable, ref
from .proof_inputs import request_properties
from .resources import COMMENT_LIMIT

# What clients may send as an amount: at most two decimals, e.g. "60750" or "60750.5".
AMOUNT_INPUT = {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "examples": ["60750.00"]}
PROJECT_INPUT = {
    "type": "object",
    "properties": {
        "id": {**nullable(ID), "description": "Fehlt oder null: ein neues Projekt."},
        "remove": {**BOOL, "description": "true entfernt das Projekt."},
        "title": nullable({"type": "string", "maxLength": 200}),
        "description": nullable({"type": "string", "maxLength": DESCRIPTION_MAX}),
        "field_of_action": nullable({"type": "string", "enum": list(FIELDS_OF_ACTION)}),
        "period_start": nullable(DATE),
        "period_end": nullable(DATE),
        "estimated_cost": nullable(AMOUNT_INPUT),
    },
    "additionalProperties": False,
}
APPLICATION_FIELDS = {
    "contact_name": nullable({"type": "string", "maxLength": 200}),
    "contact_function": nullable({"type": "string", "maxLength": 200}),
    "contact_email": nullable({"type": "string", "format": "email", "maxLength": 254}),
    "contact_phone": nullable({"type": "string", "maxLength": 50, "pattern": r"^[0-9+()/ \-]*$"}),
    "head_of_administration": nullable({"type": "string", "maxLength": 200}),
    "requested_amount": nullable(AMOUNT_INPUT),
    "own_contribution": nullable(AMOUNT_INPUT),
    "third_party_funds": nullable(AMOUNT_INPUT),
    "early_start_requested": BOOL,
    "early_start_reason": nullable({"type": "string", "maxLength": DESCRIPTION_MAX}),
    "declaration_no_early_start": BOOL,
    "declaration_accuracy": BOOL,
    "declaration_privacy": BOOL,
    "projects": array(ref("ProjectInput"), maxItems=MAX_PROJECTS),
}
VERSION = {
    **ID,
    "description": "Die Version (`version`) des Vorgangs, die Sie zuletzt gesehen haben.",
}

REQUEST_SCHEMAS = {
    "ProjectInput": PROJECT_INPUT,
    "TransitionRequest": {
        "type": "object",
        "properties": {
            "trigger": {"type": "string", "minLength": 1, "maxLength": 64},
            "version": VERSION,
            "comment": nullable({"type": "string", "maxLength": COMMENT_LIMIT}),
            "inputs": nullable(
                {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "number", "null"]},
                }
            ),
            "confirm_waiver": {
                "type": "boolean",
                "description": "Bei `waive_appeal` Pflicht und `true`: Der Verzicht auf "
                "Rechtsbehelfe kann nicht widerrufen werden.",
            },
        },
        "required": ["trigger", "version"],
        "additionalProperties": False,
    },
    "ApplicationCreate": {
        "type": "object",
        "properties": {"round_id": ID, **APPLICATION_FIELDS},
        "required": ["round_id"],
        "additionalProperties": False,
    },
    "ApplicationUpdate": {
        "type": "object",
        "properties": {"version": VERSION, **APPLICATION_FIELDS},
        "required": ["version"],
        "additionalProperties": False,
    },
    "MentorProposal": {
        "type": "object",
        "properties": {"mentor_id": ID},
        "required": ["mentor_id"],
        "additionalProperties": False,
    },
    "CallOffRequest": {
        "type": "object",
        "properties": {
            "amount": AMOUNT_INPUT,
            "note": nullable({"type": "string", "maxLength": 2000}),
        },
        "required": ["amount"],
        "additionalProperties": False,
    },
    "ProofOfUseUpdate": {
        "type": "object",
        "properties": {
            "version": VERSION,
            "report": nullable({"type": "string", "maxLength": 20000}),
            "expenditure": array(
                {
                    "type": "object",
                    "properties": {"project_id": ID, "spent": nullable(AMOUNT_INPUT)},
                    "required": ["project_id"],
                    "additionalProperties": False,
                }
            ),
        }
        | request_properties(ID, DATE, AMOUNT_INPUT, array),
        "required": ["version"],
        "additionalProperties": False,
    },
    "Upload": {
        "type": "object",
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "Die PDF-Datei, höchstens 10 MB.",
            },
            "version": VERSION,
        },
        "required": ["file", "version"],
    },
}
