"""Helpers for the API schema tests: a database with cases in many states, tokens, checks."""

from decimal import Decimal
from types import SimpleNamespace

from conftest import STEPS, extra_round
from funding_support import act, final_notice, issued_notice, paid_call_off, proof_of
from jsonschema import Draft202012Validator
from sqlalchemy import select

from antrag.amendments.operations import draft_amendment
from antrag.api.tokens import create_token
from antrag.applications.storage import minimal_pdf
from antrag.extensions import db
from antrag.funding.operations import attach_to_proof, request_call_off, save_proof
from antrag.mentoring.models import MentoringAssignment

ROLES = ("speyer", "reviewer", "mentor", "admin")
PREFIX = "/api/v1"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def tokens_for(world) -> dict[str, str]:
    """Return a bearer token secret for the applicant (Speyer), reviewer, mentor and admin."""
    secrets = {role: create_token(getattr(world.users, role), "Test")[1] for role in ROLES}
    db.session.commit()
    return secrets


def populate(world, make_application) -> SimpleNamespace:
    """Fill the database with cases of every workflow in many states; return the main ones.

    Andernach has an application in every state but approved (each in a round of its own,
    since a city may have one open application per round); Speyer's is approved, its notice
    final, with a paid and a requested call-off and a started proof of use, and Speyer has an
    empty draft in a round of its own, which its applicant may edit. The mentor has
    room for one city only, so the second approval leaves a mentoring gap.
    """
    mentor = world.users.mentor
    mentor.mentor_capacity, mentor.mentor_topics = 1, "verwaltung"
    db.session.commit()
    applications = {
        state: make_application(
            state, municipality=world.andernach, round_=extra_round(world, f"Runde {state}")
        )
        for state in STEPS
        if state != "approved"
    }
    notice = final_notice(make_application, world)  # Speyer's application, approved
    applications["approved"] = notice.application
    paid_call_off(notice, "20000.00", world)
    requested = request_call_off(world.users.speyer, notice, Decimal("5000.00"), "Zweite Rate")
    db.session.commit()
    proof = proof_of(notice)
    project = notice.application.projects[0]
    save_proof(world.users.speyer, proof, proof.case.version, "Umgesetzt.", {project.id: None})
    attach_to_proof(world.users.speyer, proof, proof.case.version, minimal_pdf(), "Beleg.pdf")
    db.session.commit()
    assignments = db.session.scalars(select(MentoringAssignment)).all()
    act(assignments[0], "accept", mentor)
    issued = issued_notice(make_application, world, municipality=world.andernach)
    amendment = draft_amendment(
        world.users.reviewer,
        notice,
        new_amount=None,
        new_period_end=None,
        condition="Die Kommune berichtet halbjährlich über den Stand der Projekte.",
        reasons="Der Bericht erleichtert die Prüfung des Verwendungsnachweises.",
    )
    db.session.commit()
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    act(amendment, "issue", world.users.reviewer)
    applications["speyer_draft"] = make_application(
        "draft", complete=False, round_=extra_round(world, "Runde Speyer")
    )
    return SimpleNamespace(
        applications=applications,
        notice=notice,
        issued=issued,
        requested_call_off=requested,
        proof=proof,
        assignments=assignments,
        amendment=amendment,
    )


def response_schema(document: dict, path: str, method: str, status: int, media_type: str):
    """Return the documented schema of a response, resolved through components.responses."""
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"][media_type]["schema"]


def validator(document: dict, schema: dict) -> Draft202012Validator:
    """Return a Draft 2020-12 validator of `schema` whose refs resolve into `document`."""
    root = {"components": document["components"], **schema}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
