"""The contents of a case file (Akte): the application's data and the history of its cases."""

from sqlalchemy import select

from ..amendments.models import AmendmentNotice
from ..applications.models import FIELDS_OF_ACTION, Application
from ..engine import history
from ..engine.models import Case, HistoryEntry
from ..engine.workflows import workflows
from ..extensions import db
from ..funding.models import FundingNotice, ProofOfUse
from ..mentoring.models import MentoringAssignment
from ..notices.models import RejectionNotice

HASH_METHOD = (
    "SHA-256 over the canonical JSON (sorted keys, separators ',' and ':', UTF-8, non-ASCII "
    "kept) of the object {seq, case_id, workflow, workflow_version, trigger, from, to, actor_id, "
    "actor_name, actor_role, comment, inputs, created_at, prev}, where prev is prev_hash, plus "
    "definition_fingerprint (the SHA-256 of the workflow definition the entry ran under), "
    "subject_snapshot (the canonical JSON of the case's decisive data after the step) and "
    "subject_hash (its SHA-256) where the entry has them. Every field of an entry below except "
    "prev_hash, hash and content_verified is covered; tools/verify_export.py recomputes it. "
    "Each case's entries form a chain: prev_hash is the hash of the case's previous entry "
    "(64 zeros for its first); entries written before migration 0022 chain instead to the "
    "previous entry of one chain across all cases (seq 1, 2, 3, …)."
)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _moment(value) -> str | None:
    return None if value is None else value.isoformat()


def _state(case: Case) -> dict:
    """Return a case's workflow, state and German state label."""
    definition = workflows().get(case.workflow, case.workflow_version)
    state = definition.states.get(case.state)
    return {
        "case_id": case.id,
        "workflow": case.workflow,
        "workflow_label": definition.label,
        "workflow_version": case.workflow_version,
        "state": case.state,
        "state_label": state.label if state else case.state,
        "due_at": _moment(case.due_at),
    }


def related(application: Application) -> dict:
    """Return the application's notices, call-offs, proof of use and mentoring assignments."""
    notice = db.session.scalar(select(FundingNotice).filter_by(application_id=application.id))
    rejection = db.session.scalar(select(RejectionNotice).filter_by(application_id=application.id))
    proof, amendments = None, []
    if notice is not None:
        proof = db.session.scalar(select(ProofOfUse).filter_by(notice_id=notice.id))
        amendments = db.session.scalars(
            select(AmendmentNotice).filter_by(notice_id=notice.id).order_by(AmendmentNotice.id)
        ).all()
    assignments = db.session.scalars(
        select(MentoringAssignment)
        .filter_by(application_id=application.id)
        .order_by(MentoringAssignment.id)
    ).all()
    return {
        "notice": notice,
        "rejection": rejection,
        "amendments": list(amendments),
        "call_offs": list(notice.call_offs) if notice is not None else [],
        "proof": proof,
        "assignments": assignments,
    }


def cases_of(application: Application, parts: dict) -> list[Case]:
    """Return every case belonging to the application, its own first."""
    subjects = [application, parts["notice"], parts["rejection"], *parts["call_offs"]]
    subjects += parts.get("amendments", [])
    subjects.append(parts["proof"])
    subjects += parts["assignments"]
    return [s.case for s in subjects if s is not None]


def application_data(application: Application, parts: dict) -> dict:
    """Return the application with everything attached to it as JSON-ready data."""
    a = application
    notice, proof = parts["notice"], parts["proof"]
    return {
        "application": {
            "id": a.id,
            **_state(a.case),
            "round": {"id": a.round.id, "name": a.round.name},
            "municipality": {"ags": a.municipality.ags, "name": a.municipality.name},
            "contact_name": a.contact_name,
            "contact_function": a.contact_function,
            "contact_email": a.contact_email,
            "contact_phone": a.contact_phone,
            "head_of_administration": a.head_of_administration,
            "requested_amount": _money(a.requested_amount),
            "own_contribution": _money(a.own_contribution),
            "declaration_no_early_start": a.declaration_no_early_start,
            "declaration_accuracy": a.declaration_accuracy,
            "declaration_privacy": a.declaration_privacy,
            "created_at": _moment(a.created_at),
            "submitted_at": _moment(a.submitted_at),
            "projects": [
                {
                    "title": p.title,
                    "description": p.description,
                    "field_of_action": p.field_of_action,
                    "field_of_action_label": FIELDS_OF_ACTION.get(p.field_of_action or ""),
                    "period_start": _moment(p.period_start),
                    "period_end": _moment(p.period_end),
                    "estimated_cost": _money(p.estimated_cost),
                }
                for p in a.projects
            ],
        },
        "notice": None
        if notice is None
        else {
            "id": notice.id,
            **_state(notice.case),
            "file_reference": notice.file_reference,
            "amount": _money(notice.amount),
            "purpose": notice.purpose,
            "period_start": _moment(notice.period_start),
            "period_end": _moment(notice.period_end),
            "financing_type": notice.financing_type,
            "issued_at": _moment(notice.issued_at),
            "appeal_waived_at": _moment(notice.appeal_waived_at),
            "final_at": _moment(notice.final_at),
            "pdf_sha256": notice.pdf_sha256,
        },
        "call_offs": [
            {
                "id": c.id,
                **_state(c.case),
                "amount": _money(c.amount),
                "note": c.note,
                "created_at": _moment(c.created_at),
                "paid_at": _moment(c.paid_at),
            }
            for c in parts["call_offs"]
        ],
        "proof_of_use": None
        if proof is None
        else {
            "id": proof.id,
            **_state(proof.case),
            "report": proof.report,
            "submitted_at": _moment(proof.submitted_at),
            "reclaim_amount": _money(proof.reclaim_amount),
            "lines": [
                {"project": line.project.title, "spent": _money(line.spent), "note": line.note}
                for line in proof.lines
            ],
        },
        "mentoring": [
            {
                "id": m.id,
                **_state(m.case),
                "mentor": m.mentor.name,
                "attempt": m.attempt,
                "kickoff_on": _moment(m.kickoff_on),
                "summary": m.summary,
            }
            for m in parts["assignments"]
        ],
    }


def _entry(entry: HistoryEntry) -> dict:
    """Return one history entry with every field its hash covers, and whether it matches."""
    return history.hashed_content(entry) | {
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "content_verified": history.entry_hash(entry, entry.prev_hash) == entry.hash,
    }


def history_data(cases: list[Case]) -> dict:
    """Return the history of `cases` with hash-chain fields and the whole chain's verification."""
    checked, broken = history.verify()
    entries = db.session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.case_id.in_([c.id for c in cases]))
        .order_by(HistoryEntry.seq)
    ).all()
    by_case = {c.id: [] for c in cases}
    for entry in entries:
        by_case[entry.case_id].append(_entry(entry))
    from ..engine.models import ChainHead

    anchor = db.session.get(ChainHead, 1)
    return {
        "hash_method": HASH_METHOD,
        "legacy_chain_until_seq": anchor.seq if anchor is not None else 0,
        "chain": {
            "entries_checked": checked,
            "verified": broken is None,
            "first_break": None
            if broken is None
            else {"seq": broken.seq, "entry_id": broken.entry_id, "reason": broken.reason},
        },
        "entries_verified": all(e["content_verified"] for rows in by_case.values() for e in rows),
        "cases": [
            {**_state(c), "chain_hash": c.chain_hash, "entries": by_case[c.id]} for c in cases
        ],
    }
