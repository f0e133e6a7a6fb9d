"""JSON representations of the API's resources.

Amounts are decimal strings ("60750.00"), times ISO 8601 with offset (UTC), dates ISO 8601.
The OpenAPI document (`openapi.py`) describes exactly these shapes; the tests validate
every representation against it.
"""

import functools
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, select

from ..accounts.models import ROLE_LABELS
from ..applications.models import FIELDS_OF_ACTION
from ..cases.page import ACTOR_LABELS, HISTORY_ROLE_LABELS
from ..engine import Case, available_actions, history, workflows
from ..engine.definitions import WorkflowDefinition
from ..engine.reads import columns
from .proof_review_fields import review_fields
from .urls import api_url

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def ref(obj, *fields) -> dict | None:
    """Return a small reference object {id, …fields} (None for None)."""
    if obj is None:
        return None
    return {"id": obj.id, **{name: getattr(obj, name) for name in fields}}


# --- case fields shared by every workflow-driven resource -------------------------------


def case_fields(case: Case) -> dict:
    """Return the workflow fields of a case: state, version, due date."""
    definition = workflows().get(case.workflow, case.workflow_version)
    state = definition.states[case.state]
    return {
        "workflow": case.workflow,
        "workflow_version": case.workflow_version,
        "state": case.state,
        "state_label": state.label,
        "final": state.final,
        "waiting_for": state.actor,
        "waiting_for_label": ACTOR_LABELS.get(state.actor) if state.actor else None,
        "version": case.version,
        "due_at": moment(case.due_at),
        "overdue": case.is_overdue(),
        "created_at": moment(case.created_at),
        "updated_at": moment(case.updated_at),
    }


def actions(case: Case, user, subject) -> list[dict]:
    """Return the actions of the caller's role in the current state, with their verdicts."""
    return [
        {
            "trigger": action.trigger,
            "label": action.label,
            "allowed": action.allowed,
            "reason": action.reason,
            "comment": action.transition.comment,
            "comment_label": action.transition.comment_label,
            "inputs": [input_def(i) for i in action.transition.inputs],
        }
        for action in available_actions(case, user, subject)
    ]


def input_def(spec) -> dict:
    return {"name": spec.name, "label": spec.label, "kind": spec.kind, "required": spec.required}


def history_entry(entry) -> dict:
    """Return one history entry with the labels of the workflow version it ran on."""
    definition = workflows().get(entry.workflow, entry.workflow_version)
    transition = definition.transition(entry.trigger)

    def label(state):
        found = definition.states.get(state) if state else None
        return found.label if found else state

    return {
        "seq": entry.seq,
        "at": moment(entry.created_at),
        "trigger": entry.trigger,
        "label": (
            f"Auf Version {entry.workflow_version} umgestellt"
            if entry.trigger == "migrate"
            else transition.label
            if transition
            else "Vorgang angelegt"
        ),
        "from_state": entry.from_state,
        "from_label": label(entry.from_state),
        "to_state": entry.to_state,
        "to_label": label(entry.to_state),
        "actor": {
            "id": entry.actor_id,
            "name": entry.actor_name,
            "role": entry.actor_role,
            "role_label": HISTORY_ROLE_LABELS.get(entry.actor_role, entry.actor_role),
        },
        "comment": entry.comment,
        "inputs": json.loads(entry.inputs or "{}"),
        "subject_hash": entry.subject_hash,
        # Exactly what the entry's hash covers, as hashed (README: "Prüfung durch Dritte").
        "hashed_content": history.hashed_content(entry),
        "hash": entry.hash,
        "prev_hash": entry.prev_hash,
    }


# --- people and master data --------------------------------------------------------------


def me(user) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "role_label": ROLE_LABELS.get(user.role, user.role),
        "municipality": municipality_ref(user.municipality),
        "organisation": user.organisation,
        "can_sign": bool(user.can_sign),
    }


def municipality_ref(municipality) -> dict | None:
    return ref(municipality, "name", "ags")


def municipality(found) -> dict:
    return {
        "id": found.id,
        "ags": found.ags,
        "name": found.name,
        "kind": found.kind,
        "kind_label": found.kind_label,
        "is_city": bool(found.is_city),
        "population": found.population,
    }


def round_(found, user) -> dict:
    """Return a round; its budget figures only for the ministry and the administration."""
    body = {
        "id": found.id,
        "name": found.name,
        "programme": found.programme.name,
        "opens_on": day(found.opens_on),
        "closes_on": day(found.closes_on),
        "open": found.is_open(),
        "standard_amount": money(found.standard_amount),
        "eligibility": found.eligibility,
        "eligibility_label": found.eligibility_label,
    }
    if user.role == "applicant":
        body["eligible"] = found.is_eligible(user.municipality)
    if user.role in ("reviewer", "admin"):
        body["budget"] = {
            "total": money(found.budget),
            "committed": money(found.committed),
            "reserved": money(found.reserved),
            "ordered": money(found.ordered),
            "paid": money(found.paid),
            "reclaimed": money(found.reclaimed),
            "reclaim_due": money(found.reclaim_due),
            "available": money(found.available),
        }
    return body


def workflow(definition: WorkflowDefinition) -> dict:
    return {
        "name": definition.name,
        "version": definition.version,
        "label": definition.label,
        "subject": definition.subject,
        "initial": definition.initial,
        "states": [
            {
                "name": s.name,
                "label": s.label,
                "final": s.final,
                "actor": s.actor,
                "hint": s.hint or None,
            }
            for s in (definition.states[n] for n in definition.state_order())
        ],
        "transitions": [
            {
                "trigger": t.trigger,
                "label": t.label,
                "sources": list(t.sources),
                "dest": t.dest,
                "roles": list(t.roles),
                "guards": list(t.guards),
                "comment": t.comment,
                "comment_label": t.comment_label,
                "inputs": [input_def(i) for i in t.inputs],
                "timeout": t.timeout,
            }
            for t in definition.transitions
        ],
    }


# --- workflow-driven resources -------------------------------------------------------------


def attachment(found, url: str) -> dict:
    return {
        "id": found.id,
        "kind": getattr(found, "kind", "document"),
        "file_name": found.original_name,
        "content_type": found.content_type,
        "size": found.size,
        "sha256": found.sha256,
        "uploaded_at": moment(found.uploaded_at),
        "url": url,
    }


def project(found) -> dict:
    return {
        "id": found.id,
        "title": found.title,
        "description": found.description,
        "field_of_action": found.field_of_action,
        "field_of_action_label": FIELDS_OF_ACTION.get(found.field_of_action or "") or None,
        "period_start": day(found.period_start),
        "period_end": day(found.period_end),
        "estimated_cost": money(found.estimated_cost),
    }


def financing_plan(plan) -> dict:
    return {
        "total_cost": money(plan.total_cost),
        "own_contribution": money(plan.own_contribution),
        "third_party_funds": money(plan.third_party_funds),
        "grant": money(plan.grant),
        "balances": plan.balances,
        "problems": [message for _field, message in plan.gaps()],
    }


def application(found, user) -> dict:
    from . import revisions

    return {
        "id": found.id,
        "round": ref(found.round, "name"),
        "municipality": municipality_ref(found.municipality),
        "contact_name": found.contact_name,
        "contact_function": found.contact_function,
        "contact_email": found.contact_email,
        "contact_phone": found.contact_phone,
        "head_of_administration": found.head_of_administration,
        "requested_amount": money(found.requested_amount),
        "own_contribution": money(found.own_contribution),
        "third_party_funds": money(found.third_party_funds),
        "financing_plan": financing_plan(found.financing_plan()),
        "early_start_requested": bool(found.early_start_requested),
        "early_start_reason": found.early_start_reason,
        "early_start_decided_on": day(found.early_start_decided_on),
        "early_start_approved": found.early_start_approved,
        "declaration_no_early_start": bool(found.declaration_no_early_start),
        "declaration_accuracy": bool(found.declaration_accuracy),
        "declaration_privacy": bool(found.declaration_privacy),
        "projects": [project(p) for p in found.projects],
        "attachments": [
            attachment(
                a,
                api_url("api.application_attachment", object_id=found.id, attachment_id=a.id),
            )
            for a in found.attachments
        ],
        "submitted_at": moment(found.submitted_at),
        "editable": found.can_edit(user),
        "revisions": revisions.serialize(found),
    }


def funding_notice(found, user) -> dict:
    from ..funding.rules import called_off, ordered, paid

    called = called_off(found)
    return {
        "id": found.id,
        "file_reference": found.file_reference,
        "application_id": found.application_id,
        "round": ref(found.round, "name"),
        "municipality": municipality_ref(found.municipality),
        "amount": money(found.amount),
        "purpose": found.purpose,
        "period_start": day(found.period_start),
        "period_end": day(found.period_end),
        "financing_type": found.financing_type,
        "addressee_name": found.addressee_name,
        "addressee_head": found.addressee_head,
        "addressee_address": found.addressee_address,
        "issued_at": moment(found.issued_at),
        "appeal_waived_at": moment(found.appeal_waived_at),
        "final_at": moment(found.final_at),
        "court": court_name(found),
        "service": service(found),
        "pdf_url": api_url("api.notice_pdf", object_id=found.id) if found.pdf_stored_name else None,
        "pdf_sha256": found.pdf_sha256,
        "figures": {
            "approved": money(found.amount),
            "called_off": money(called),
            "ordered": money(ordered(found)),
            "paid": money(paid(found)),
            "left": money(found.amount - called),
        },
        "call_off_ids": [c.id for c in found.call_offs],
        "proof_of_use_id": proof_of_use_id(found),
    }


def rejection_notice(found, user) -> dict:
    return {
        "id": found.id,
        "file_reference": found.file_reference,
        "application_id": found.application_id,
        "round": ref(found.round, "name"),
        "municipality": municipality_ref(found.municipality),
        "reasons": found.reasons,
        "addressee_name": found.addressee_name,
        "addressee_head": found.addressee_head,
        "addressee_address": found.addressee_address,
        "court": court_name(found),
        "issued_at": moment(found.issued_at),
        "appeal_waived_at": moment(found.appeal_waived_at),
        "final_at": moment(found.final_at),
        "service": service(found),
        "pdf_url": (
            api_url("api.rejection_notice_pdf", object_id=found.id)
            if found.pdf_stored_name
            else None
        ),
        "pdf_sha256": found.pdf_sha256,
    }


def amendment_notice(found, user) -> dict:
    return {
        "id": found.id,
        "file_reference": found.file_reference,
        "notice_id": found.notice_id,
        "round": ref(found.round, "name"),
        "municipality": municipality_ref(found.municipality),
        "new_amount": money(found.new_amount) if found.new_amount is not None else None,
        "previous_amount": (
            money(found.previous_amount) if found.previous_amount is not None else None
        ),
        "new_period_end": day(found.new_period_end),
        "previous_period_end": day(found.previous_period_end),
        "additional_condition": found.additional_condition,
        "reasons": found.reasons,
        "addressee_name": found.addressee_name,
        "addressee_head": found.addressee_head,
        "addressee_address": found.addressee_address,
        "court": court_name(found),
        "issued_at": moment(found.issued_at),
        "applied_at": moment(found.applied_at),
        "appeal_waived_at": moment(found.appeal_waived_at),
        "final_at": moment(found.final_at),
        "service": service(found),
        "pdf_url": (
            api_url("api.amendment_notice_pdf", object_id=found.id)
            if found.pdf_stored_name
            else None
        ),
        "pdf_sha256": found.pdf_sha256,
    }


@functools.cache
def _proof_of_notice():
    """The id of a notice's proof of use (there is at most one), built once."""
    from ..funding.models import ProofOfUse

    return select(ProofOfUse.id).where(ProofOfUse.notice_id == bindparam("notice_id"))


def proof_of_use_id(notice) -> int | None:
    """Return the id of the notice's proof of use, or None."""
    return columns(_proof_of_notice(), {"notice_id": notice.id}).scalar()


def call_off(found, user) -> dict:
    return {
        "id": found.id,
        "notice_id": found.notice_id,
        "file_reference": found.notice.file_reference,
        "municipality": municipality_ref(found.notice.municipality),
        "amount": money(found.amount),
        "note": found.note,
        "requested_at": moment(found.created_at),
        "paid_at": moment(found.paid_at),
        "account": (
            {"iban": found.payee_iban, "bic": found.payee_bic, "holder": found.account_holder}
            if found.payee_iban
            else None
        ),
        "payment_order": payment_order(found.payment_order),
    }


def payment_order(order) -> dict | None:
    """Return the payment order of a released call-off (read-only), or None."""
    if order is None:
        return None
    return {
        "number": order.number,
        "amount": money(order.amount),
        "payee_name": order.payee_name,
        "iban": order.iban,
        "bic": order.bic,
        "purpose": order.purpose,
        "budget_chapter": order.budget_chapter,
        "budget_title": order.budget_title,
        "budget_year": order.budget_year,
        "ordered_on": day(order.ordered_on),
        "due_on": day(order.due_on),
        "confirmed_at": moment(order.confirmed_at),
        "value_date": day(order.value_date),
    }


def proof_of_use(found, user) -> dict:
    from ..funding.proof_rules import proof_gaps, spent
    from ..funding.rules import paid

    lines = {line.project_id: line for line in found.lines}
    return {
        "id": found.id,
        "notice_id": found.notice_id,
        "file_reference": found.notice.file_reference,
        "municipality": municipality_ref(found.notice.municipality),
        "report": found.report,
        "expenditure": [
            {
                "project_id": p.id,
                "project_title": p.title,
                "spent": money(lines[p.id].spent) if p.id in lines else None,
            }
            for p in found.notice.application.projects
        ],
        "spent_total": money(spent(found)),
        "paid": money(paid(found.notice)),
        "missing": proof_gaps(found),
        "attachments": [
            attachment(a, api_url("api.proof_attachment", object_id=found.id, attachment_id=a.id))
            for a in found.attachments
        ],
        "submitted_at": moment(found.submitted_at),
        "reclaim_amount": money(found.reclaim_amount),
        "editable": found.can_edit(user),
    } | review_fields(found)


def mentoring_assignment(found, user) -> dict:
    return {
        "id": found.id,
        "application_id": found.application_id,
        "municipality": municipality_ref(found.municipality),
        "mentor": {"id": found.mentor.id, "name": found.mentor.name},
        "attempt": found.attempt,
        "kickoff_on": day(found.kickoff_on),
        "summary": found.summary,
        "proposed_at": moment(found.created_at),
    }


def mentor_load(load, name: str) -> dict:
    return {
        "id": load.id,
        "name": name,
        "capacity": load.capacity,
        "active_assignments": load.active_assignments,
        "fields_of_action": sorted(load.topics),
    }


def mentoring_gap(gap, mentors: list[dict]) -> dict:
    application = gap.application
    return {
        "id": gap.id,
        "application_id": application.id,
        "municipality": municipality_ref(application.municipality),
        "fields_of_action": sorted(
            {p.field_of_action for p in application.projects if p.field_of_action}
        ),
        "flagged_at": moment(gap.created_at),
        "mentors": mentors,
    }


def court_name(found) -> str | None:
    """Return the administrative court an action against a notice goes to (None if unknown)."""
    from ..law.courts import NoCompetentCourt

    try:
        return found.court.name
    except NoCompetentCourt:
        return None


def service(found) -> dict:
    """Return how a notice was served and the action period it started (§ 41 VwVfG)."""
    return {
        "mode": found.service_mode,
        "posted_on": day(found.posted_on),
        "provided_at": moment(found.provided_at),
        "retrieved_at": moment(found.retrieved_at),
        "made_known_on": day(found.made_known_on),
        "action_period_ends_on": day(found.action_period_ends_on),
        "action_filed_on": day(found.action_filed_on),
        "action_court_file_number": found.action_court_file_number,
        "action_outcome": found.action_outcome,
        "action_decided_on": day(found.action_decided_on),
    }
