"""Schemas of the workflow-driven resources: their own fields, case fields, links, actions."""

from .openapi_schemas import (
    ACTOR,
    AMOUNT,
    BOOL,
    DATE,
    DATE_TIME,
    ID,
    SHA256,
    TEXT,
    URL,
    array,
    camel,
    closed,
    nullable,
    ref,
)
from .proof_review_fields import REVIEW_PROPERTIES

# How a notice was served and the action period it started (§ 41 VwVfG, § 74 VwGO).
SERVICE = closed(
    {
        "mode": nullable({"type": "string", "enum": ["post", "electronic"]}),
        "posted_on": nullable(DATE),
        "provided_at": nullable(DATE_TIME),
        "retrieved_at": nullable(DATE_TIME),
        "made_known_on": nullable(DATE),
        "action_period_ends_on": nullable(DATE),
        "action_filed_on": nullable(DATE),
        "action_court_file_number": nullable(TEXT),
        "action_outcome": nullable(
            {"type": "string", "enum": ["dismissed", "withdrawn", "annulled"]}
        ),
        "action_decided_on": nullable(DATE),
    }
)

# The fields of each workflow-driven resource besides its case fields, links and actions.
RESOURCE_PROPERTIES = {
    "application": {
        "id": ID,
        "round": ref("RoundRef"),
        "municipality": ref("MunicipalityRef"),
        "contact_name": nullable(TEXT),
        "contact_function": nullable(TEXT),
        "contact_email": nullable(TEXT),
        "contact_phone": nullable(TEXT),
        "head_of_administration": nullable(TEXT),
        "requested_amount": nullable(AMOUNT),
        "own_contribution": nullable(AMOUNT),
        "third_party_funds": nullable(AMOUNT),
        "financing_plan": closed(
            {
                "total_cost": nullable(AMOUNT),
                "own_contribution": nullable(AMOUNT),
                "third_party_funds": AMOUNT,
                "grant": nullable(AMOUNT),
                "balances": BOOL,
                "problems": array(TEXT),
            },
            description="Finanzierungsplan: Gesamtkosten, Eigenanteil, Drittmittel, Zuwendung.",
        ),
        "early_start_requested": BOOL,
        "early_start_reason": nullable(TEXT),
        "early_start_decided_on": nullable(DATE),
        "early_start_approved": nullable(BOOL),
        "declaration_no_early_start": BOOL,
        "declaration_accuracy": BOOL,
        "declaration_privacy": BOOL,
        "projects": array(ref("Project")),
        "attachments": array(ref("Attachment")),
        "submitted_at": nullable(DATE_TIME),
        "editable": BOOL,
        "revisions": array(ref("Revision")),
    },
    "funding_notice": {
        "id": ID,
        "file_reference": TEXT,
        "application_id": ID,
        "round": ref("RoundRef"),
        "municipality": ref("MunicipalityRef"),
        "amount": AMOUNT,
        "purpose": TEXT,
        "period_start": nullable(DATE),
        "period_end": DATE,
        "financing_type": TEXT,
        "addressee_name": TEXT,
        "addressee_head": nullable(TEXT),
        "addressee_address": nullable(TEXT),
        "issued_at": nullable(DATE_TIME),
        "appeal_waived_at": nullable(DATE_TIME),
        "final_at": nullable(DATE_TIME),
        "court": nullable(TEXT),
        "service": SERVICE,
        "pdf_url": nullable(URL),
        "pdf_sha256": nullable(SHA256),
        "figures": closed(
            dict.fromkeys(("approved", "called_off", "ordered", "paid", "left"), AMOUNT)
        ),
        "call_off_ids": array(ID),
        "proof_of_use_id": nullable(ID),
    },
    "rejection_notice": {
        "id": ID,
        "file_reference": TEXT,
        "application_id": ID,
        "round": ref("RoundRef"),
        "municipality": ref("MunicipalityRef"),
        "reasons": TEXT,
        "addressee_name": TEXT,
        "addressee_head": nullable(TEXT),
        "addressee_address": nullable(TEXT),
        "court": nullable(TEXT),
        "issued_at": nullable(DATE_TIME),
        "appeal_waived_at": nullable(DATE_TIME),
        "final_at": nullable(DATE_TIME),
        "service": SERVICE,
        "pdf_url": nullable(URL),
        "pdf_sha256": nullable(SHA256),
    },
    "amendment_notice": {
        "id": ID,
        "file_reference": TEXT,
        "notice_id": ID,
        "round": ref("RoundRef"),
        "municipality": ref("MunicipalityRef"),
        "new_amount": nullable(AMOUNT),
        "previous_amount": nullable(AMOUNT),
        "new_period_end": nullable(DATE),
        "previous_period_end": nullable(DATE),
        "additional_condition": nullable(TEXT),
        "reasons": TEXT,
        "addressee_name": TEXT,
        "addressee_head": nullable(TEXT),
        "addressee_address": nullable(TEXT),
        "court": nullable(TEXT),
        "issued_at": nullable(DATE_TIME),
        "applied_at": nullable(DATE_TIME),
        "appeal_waived_at": nullable(DATE_TIME),
        "final_at": nullable(DATE_TIME),
        "service": SERVICE,
        "pdf_url": nullable(URL),
        "pdf_sha256": nullable(SHA256),
    },
    "call_off": {
        "id": ID,
        "notice_id": ID,
        "file_reference": TEXT,
        "municipality": ref("MunicipalityRef"),
        "amount": AMOUNT,
        "note": nullable(TEXT),
        "requested_at": DATE_TIME,
        "paid_at": nullable(DATE_TIME),
        "account": nullable(ref("BankAccount")),
        "payment_order": nullable(ref("PaymentOrder")),
    },
    "proof_of_use": {
        "id": ID,
        "notice_id": ID,
        "file_reference": TEXT,
        "municipality": ref("MunicipalityRef"),
        "report": nullable(TEXT),
        "expenditure": array(
            closed({"project_id": ID, "project_title": nullable(TEXT), "spent": nullable(AMOUNT)})
        ),
        "spent_total": AMOUNT,
        "paid": AMOUNT,
        "missing": array(TEXT),
        "attachments": array(ref("Attachment")),
        "submitted_at": nullable(DATE_TIME),
        "reclaim_amount": nullable(AMOUNT),
        "editable": BOOL,
    }
    | REVIEW_PROPERTIES,
    "mentoring_assignment": {
        "id": ID,
        "application_id": ID,
        "municipality": ref("MunicipalityRef"),
        "mentor": closed({"id": ID, "name": TEXT}),
        "attempt": {"type": "integer", "minimum": 1},
        "kickoff_on": nullable(DATE),
        "summary": nullable(TEXT),
        "proposed_at": DATE_TIME,
    },
}


def case_page_of(item: dict) -> dict:
    """Return the page schema of a case list: a page or a sync cursor, and the `next` link."""
    return closed(
        {
            "items": array(item),
            "page": nullable({"type": "integer", "minimum": 1}),
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "next": nullable(URL),
        },
        description="Eine Seite einer Liste von Vorgängen. `page` ist `null`, wenn mit einem "
        "Cursor (`after`) abgefragt wurde; `total` zählt alle Einträge der Filter (ohne "
        "Cursor); `next` ist die Adresse der nächsten Seite oder `null`, wenn keine folgt.",
    )


def case_properties(workflow: str, states: list[str]) -> dict:
    """Return the workflow fields every resource carries (see `serializers.case_fields`)."""
    return {
        "workflow": {"type": "string", "const": workflow},
        "workflow_version": {"type": "integer", "minimum": 1},
        "state": {"type": "string", "enum": states},
        "state_label": TEXT,
        "final": BOOL,
        "waiting_for": nullable(ACTOR),
        "waiting_for_label": nullable(TEXT),
        "version": {"type": "integer", "minimum": 1},
        "due_at": nullable(DATE_TIME),
        "overdue": BOOL,
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    }


# Where each link to another resource leads (antrag/api/links.py), by resource and link.
LINK_TARGETS = {
    ("application", "notice"): "Der Förder- oder Ablehnungsbescheid, der den Antrag entscheidet.",
    ("funding_notice", "application"): "Der Antrag, den der Bescheid entscheidet.",
    ("rejection_notice", "application"): "Der Antrag, den der Bescheid entscheidet.",
    ("amendment_notice", "notice"): "Der Förderbescheid, den der Änderungsbescheid ändert.",
    ("call_off", "notice"): "Der Förderbescheid, aus dem die Mittel abgerufen werden.",
    ("proof_of_use", "notice"): "Der Förderbescheid, dessen Verwendung nachgewiesen wird.",
}


def resource_schemas(resource, states: list[str]) -> dict:
    """Return the list item, detail and page schemas of a workflow-driven resource."""
    name = camel(resource.name)
    links = ref("Links")
    if resource.link_names:
        links = closed(
            {"self": URL, "history": URL, "transitions": URL, "html": URL}
            | {
                link: nullable(URL) | {"description": LINK_TARGETS[resource.name, link]}
                for link in resource.link_names
            },
            description="Verweise; auf andere Ressourcen nur, wenn Sie sie sehen dürfen, "
            "sonst `null` (" + ", ".join(f"`{link}`" for link in resource.link_names) + ").",
        )
    fields = {
        **RESOURCE_PROPERTIES[resource.name],
        **case_properties(resource.workflow, states),
        "links": links,
    }
    return {
        name: closed(fields, description=f"{resource.title}: ein Eintrag der Liste."),
        f"{name}Detail": closed(
            {**fields, "actions": array(ref("Action"))},
            description=f"{resource.title}: ein Vorgang mit den Aktionen Ihrer Rolle.",
        ),
        f"{name}Minimal": closed(
            {
                "id": ID,
                "state": {"type": "string", "enum": states},
                "version": {"type": "integer", "minimum": 1},
                "links": closed({"self": URL}),
            },
            description=f"{resource.title}: die Antwort einer Aktion mit "
            "„Prefer: return=minimal“, nur neuer Status und neue Version.",
        ),
        f"{name}Page": case_page_of(ref(name)),
    }
