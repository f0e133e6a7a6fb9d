"""Effects and guards of the rejection notice (Ablehnungsbescheid)."""

import functools
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from .. import engine
from ..engine import effect, guard
from ..engine.calendar import BERLIN
from ..engine.models import HistoryEntry
from ..engine.reads import columns
from ..extensions import db
from ..funding.file_reference import TAKE as TAKE_FILE_REFERENCE
from ..funding.file_reference import next_file_reference
from .issuing import issue_letter
from .models import RejectionNotice

logger = logging.getLogger(__name__)


def proposal_reasons(case_id: int) -> str:
    """Return the reasons of the last rejection proposal on the application's case."""
    comment = columns(_proposal_comment(), {"case_id": case_id}).scalar()
    return comment or ""


@functools.cache
def _proposal_comment():
    """The comment of a case's newest rejection proposal, built once."""
    return (
        select(HistoryEntry.comment)
        .where(
            HistoryEntry.case_id == bindparam("case_id"),
            HistoryEntry.trigger == "propose_rejection",
        )
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    )


@effect("create_rejection_notice", starts=("rejection_notice",), takes=TAKE_FILE_REFERENCE)
def create_rejection_notice(ctx) -> None:
    """Draft the rejection notice, its reasons taken from the co-signed proposal."""
    application = ctx.subject
    municipality = application.municipality
    rejected_on = ctx.now.astimezone(BERLIN).date()
    notice = RejectionNotice(
        application_id=application.id,
        round_id=application.round_id,
        municipality_id=municipality.id,
        file_reference=next_file_reference(rejected_on.year),
        reasons=proposal_reasons(ctx.case.id),
        addressee_name=getattr(municipality, "legal_designation", None) or municipality.name,
        addressee_head=application.head_of_administration,
        addressee_address=getattr(municipality, "postal_address", None) or municipality.address,
    )
    engine.start("rejection_notice", notice, ctx.actor)
    ctx.made["rejection_notice"] = notice
    logger.info(
        "Rejection notice %s drafted for application %s", notice.file_reference, application.id
    )


@guard(
    "reasons_given",
    _l(
        "Ein Ablehnungsbescheid braucht eine Begründung (§ 39 VwVfG). Bitte tragen Sie die "
        "wesentlichen Gründe der Entscheidung ein."
    ),
)
def reasons_given(ctx) -> bool:
    """The notice states its reasons (§ 39 (1) VwVfG)."""
    return bool((ctx.subject.reasons or "").strip())


@effect("render_rejection_notice")
def render_rejection_notice(ctx) -> None:
    """Seal the rejection notice, render its PDF once and store it with its hash."""
    from ..letters import render_rejection_notice as render

    issue_letter(ctx, render)


def rejection_notice_of(application) -> RejectionNotice | None:
    """Return the rejection notice of an application, if one was drafted."""
    return db.session.scalar(select(RejectionNotice).filter_by(application_id=application.id))
