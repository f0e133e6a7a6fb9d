"""Content for the pages of issue 15 that the accessibility test checks (a11y_pages.py).

A resubmitted application (its revisions and what changed) with a conversation (the city's
message with a PDF, the ministry's internal note), an amendment in draft, a second notice
whose paid money, proof with a receipt under review and reclaim in its hearing give the
reviewer's pages their content, and accounts with an authenticator app for the
second-factor pages (one with a reset waiting for the second administrator).
"""

import io
from decimal import Decimal

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from antrag import engine
from antrag.applications.storage import minimal_pdf
from antrag.extensions import db


def build_issue_15_scene(world, make_application, ids: dict, role: str | None = None) -> dict:
    """Add the content of the new pages to the scene; return the ids by name.

    With a `role`, only what its pages need: nothing for a role without such pages, the
    accounts with an app for a visitor (the login's second factor).
    """
    from .a11y_pages import ISSUE_15_ROLES, VISITORS

    if role is not None and role not in ISSUE_15_ROLES:
        return ids
    if role in VISITORS:
        return ids | _second_factors(world)
    resubmitted = _resubmitted(world, make_application)
    _conversation(world, resubmitted)
    reclaim, proof = _reclaim_in_hearing(world, make_application)
    return ids | {
        "resubmitted": resubmitted.id,
        "resubmitted_case": resubmitted.case_id,
        "amendment": _amendment(world, ids["notice"]).id,
        "reclaim": reclaim.id,
        "reclaim_notice": reclaim.notice_id,
        "proof_in_review": proof.id,
        "outbox_message": _first_mail(),
        **_second_factors(world),
    }


def _fire(subject, trigger, actor, **kwargs) -> None:
    engine.fire(subject.case_id, trigger, actor, version=subject.case.version, **kwargs)
    db.session.commit()


def _resubmitted(world, make_application):
    """Speyer's application sent back for changes and resubmitted with new figures."""
    from conftest import extra_round

    application = make_application("changes_requested", round_=extra_round(world, "Vierte Runde"))
    application.requested_amount = Decimal("55000.00")
    application.own_contribution = Decimal("12500.00")
    application.projects[0].title = "Bürgerbüro online"
    db.session.commit()
    _fire(application, "resubmit", world.users.speyer)
    return application


def _conversation(world, application) -> None:
    """The city writes with a PDF attached; the ministry notes something internal."""
    from antrag.messages.operations import post_message

    pdf = FileStorage(
        io.BytesIO(minimal_pdf("Nachreichung")),
        filename="Nachreichung.pdf",
        content_type="application/pdf",
    )
    case = application.case
    post_message(
        world.users.speyer, case, application, "Anbei der geänderte Kostenplan.", upload=pdf
    )
    post_message(
        world.users.reviewer,
        case,
        application,
        "Kostenplan plausibel, Eigenanteil jetzt ausreichend.",
        internal=True,
    )
    db.session.commit()


def _amendment(world, notice_id: int):
    """An amendment of the scene's final notice, drafted by the reviewer."""
    from antrag.amendments.operations import draft_amendment
    from antrag.funding.models import FundingNotice

    amendment = draft_amendment(
        world.users.reviewer,
        db.session.get(FundingNotice, notice_id),
        new_amount=None,
        new_period_end=None,
        condition="Halbjährlicher Bericht an das Ministerium.",
        reasons="Die Kommune hat um eine engere Begleitung gebeten.",
    )
    db.session.commit()
    return amendment


def _reclaim_in_hearing(world, make_application):
    """Speyer's second notice: 30,000 paid, a proof of 25,000 with its receipt under review,
    and a reclaim of 5,000 (purpose not met) whose hearing runs."""
    from conftest import extra_round
    from funding_support import notice_of, paid_call_off, proof_of, report_proof

    from antrag.reclaim.operations import berlin_today, open_by_reviewer

    application = make_application("approved", round_=extra_round(world, "Fünfte Runde"))
    notice = notice_of(application)
    _fire(notice, "issue", world.users.reviewer)
    _fire(notice, "waive_appeal", world.users.speyer)
    paid_call_off(notice, "30000.00", world)
    proof = proof_of(notice)
    report_proof(proof, world, "25000.00")
    _fire(proof, "submit", world.users.speyer)
    reclaim = open_by_reviewer(
        world.users.reviewer,
        notice,
        Decimal("5000.00"),
        "Die Terminvergabe wurde nicht eingeführt.",
        berlin_today(),
    )
    db.session.commit()
    _fire(reclaim, "send_hearing", world.users.reviewer)
    return reclaim, proof


def _first_mail() -> int:
    from antrag.mail.models import OutboxMessage

    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1))


def _second_factors(world) -> dict:
    """Andernach's and Pirmasens' accounts use an app; a second admin asked to reset
    Pirmasens' factor, which the world's admin may confirm (the second pair of eyes)."""
    from second_factor_support import enrol_totp

    from antrag.accounts.factor_reset import request_reset
    from antrag.accounts.operations import create_user

    from .conftest import PASSWORD

    for user in (world.users.andernach, world.users.pirmasens):
        enrol_totp(user)
    colleague = create_user(
        email="zweite.admin@antrag.rlp.de",
        name="Zweite Administratorin",
        role="admin",
        password=PASSWORD,
        organisation="Ministerium des Innern und für Sport",
    )
    request_reset(colleague, world.users.pirmasens, "Telefon verloren; Rückruf am Dienstapparat.")
    db.session.commit()
    return {
        "factor_user": world.users.andernach.id,
        "reset_user": world.users.pirmasens.id,
        "factor_email": world.users.andernach.email,
    }
