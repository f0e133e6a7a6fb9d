"""Helpers for the funding tests: drive a notice, its call-offs and its proof by the engine."""

from decimal import Decimal

from sqlalchemy import select

from antrag import engine
from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.funding.models import FundingNotice, ProofOfUse
from antrag.funding.operations import request_call_off


def notice_of(application) -> FundingNotice:
    """Return the notice drafted for an approved application."""
    return db.session.scalar(select(FundingNotice).filter_by(application_id=application.id))


def proof_of(notice) -> ProofOfUse:
    """Return the notice's proof of use."""
    return db.session.scalar(select(ProofOfUse).filter_by(notice_id=notice.id))


def act(subject, trigger, actor, **kwargs):
    """Fire `trigger` on the subject's case with the version just seen, and commit."""
    ctx = engine.fire(subject.case_id, trigger, actor, version=subject.case.version, **kwargs)
    db.session.commit()
    return ctx


def issued_notice(make_application, world, municipality=None) -> FundingNotice:
    """Approve an application and issue its notice by a reviewer with signing authority."""
    notice = notice_of(make_application("approved", municipality=municipality))
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice, "issue", world.users.reviewer)
    return notice


def final_notice(make_application, world, municipality=None) -> FundingNotice:
    """Issue a notice and let the city waive its right of appeal."""
    notice = issued_notice(make_application, world, municipality)
    act(
        notice,
        "waive_appeal",
        world.users.speyer if municipality is None else _city(world, municipality),
    )
    return notice


def ordered_call_off(notice, amount: str, world):
    """Request, check (reviewer) and release (reviewer2) a call-off: its payment is ordered."""
    call_off = request_call_off(world.users.speyer, notice, Decimal(amount), None)
    db.session.commit()
    act(call_off, "check", world.users.reviewer)
    act(call_off, "release", world.users.reviewer2)
    return call_off


def confirm_payment(call_off, world, value_date=None):
    """Confirm the ordered payment by hand (reviewer), with today's value date by default."""
    day = value_date or now().astimezone(BERLIN).date()
    return act(call_off, "confirm_payment", world.users.reviewer, inputs={"value_date": day})


def paid_call_off(notice, amount: str, world):
    """Request, check, release a call-off and confirm its payment: it is paid."""
    call_off = ordered_call_off(notice, amount, world)
    confirm_payment(call_off, world)
    return call_off


def report_proof(proof, world, spent: str, user=None):
    """Let the city report `spent` on the first project, with one receipt of that amount."""
    from datetime import date

    from antrag.funding.operations import save_proof
    from antrag.funding.proof_operations import add_receipt

    user = user or world.users.speyer
    project = proof.notice.application.projects[0]
    save_proof(user, proof, proof.case.version, "Umgesetzt.", {project.id: Decimal(spent)})
    if Decimal(spent) > 0:
        add_receipt(
            user,
            proof,
            proof.case.version,
            project_id=project.id,
            paid_on=date(2019, 9, 30),
            payee="Beispiel GmbH",
            purpose="Rechnung 1",
            amount=Decimal(spent),
        )
    db.session.commit()


def review_proof(proof, reviewer, recognised: dict | None = None):
    """Record a reviewer's verdict: project id → (recognised, reason); unnamed: all recognised."""
    from antrag.funding.proof_operations import save_review

    lines = {line.project_id: (line.spent, None) for line in proof.lines}
    lines |= recognised or {}
    save_review(reviewer, proof, proof.case.version, lines, {})
    db.session.commit()


def accept_proof(proof, world):
    """Review (all recognised unless reviewed), propose (reviewer), co-sign (reviewer2)."""
    from antrag.funding.proof_review import review_gaps

    if proof.case.workflow_version >= 2 and review_gaps(proof):
        review_proof(proof, world.users.reviewer)
    act(proof, "propose_acceptance", world.users.reviewer)
    act(proof, "accept", world.users.reviewer2)


def _city(world, municipality):
    return {world.speyer.id: world.users.speyer, world.andernach.id: world.users.andernach}[
        municipality.id
    ]
