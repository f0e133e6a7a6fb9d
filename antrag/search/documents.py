"""What text of each record is searchable, and whether the ministry may find it at all.

Searchable are what the ministry looks for (issue 15): the city, the Aktenzeichen, the
projects' titles and descriptions, the contact names, the notices' purpose and reasons,
and the text of case messages.
"""

from dataclasses import dataclass

from ..amendments.models import AmendmentNotice
from ..applications.models import Application
from ..funding.models import FundingNotice
from ..messages.models import CaseMessage
from ..notices.models import RejectionNotice
from ..reclaim.models import Reclaim

NOTICE_LABELS = {
    "funding_notice": "Förderbescheid",
    "rejection_notice": "Ablehnungsbescheid",
    "amendment_notice": "Änderungsbescheid",
    "reclaim": "Rückforderung",
}
MODELS = {
    "application": Application,
    "funding_notice": FundingNotice,
    "rejection_notice": RejectionNotice,
    "amendment_notice": AmendmentNotice,
    "reclaim": Reclaim,
    "message": CaseMessage,
}
KIND_OF = {model: kind for kind, model in MODELS.items()}


@dataclass(frozen=True)
class Text:
    """The searchable text of one record and who may find it."""

    case_id: int | None
    municipality_id: int | None
    reference: str | None
    title: str
    body: str
    ministry_visible: bool
    internal: bool = False


def _join(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _city(record) -> str:
    municipality = getattr(record, "municipality", None)
    return municipality.name if municipality is not None else ""


def application_text(application: Application) -> Text:
    """The city, contacts and every project's title and description; drafts stay hidden."""
    projects = [_join(p.title, p.description) for p in application.projects]
    return Text(
        case_id=application.case_id,
        municipality_id=application.municipality_id,
        reference=None,
        title=f"Antrag – {_city(application)} ({application.round.name})",
        body=_join(
            _city(application),
            application.contact_name,
            application.contact_function,
            application.head_of_administration,
            application.early_start_reason,
            *projects,
        ),
        # The same rule as Application.can_view for reviewers: drafts are the city's alone.
        ministry_visible=application.submitted_at is not None,
    )


def notice_text(kind: str, notice) -> Text:
    """The Aktenzeichen, the addressee and the text of the letter's tenor and reasons."""
    fields = {
        "funding_notice": ("purpose",),
        "rejection_notice": ("reasons",),
        "amendment_notice": ("reasons", "additional_condition"),
        "reclaim": ("reason", "decision_reasons", "hearing_outcome", "answer_text"),
    }[kind]
    return Text(
        case_id=notice.case_id,
        municipality_id=notice.municipality_id,
        reference=notice.file_reference,
        title=f"{NOTICE_LABELS[kind]} {notice.file_reference} – {_city(notice)}",
        body=_join(
            notice.file_reference,
            _city(notice),
            notice.addressee_name,
            notice.addressee_head,
            *(getattr(notice, name) for name in fields),
        ),
        ministry_visible=True,  # the ministry sees every notice, drafts included
    )


def message_text(message: CaseMessage, subject) -> Text:
    """The message with its author; found by the ministry where it may see the case."""
    from ..engine import workflows
    from ..messages.rules import city_of

    case = message.case
    what = workflows().get(case.workflow, case.workflow_version).label  # German, as stored
    reference = getattr(subject, "file_reference", None) or getattr(
        getattr(subject, "notice", None), "file_reference", None
    )
    city = getattr(subject, "municipality", None) or getattr(
        getattr(subject, "notice", None), "municipality", None
    )
    title = f"Nachricht: {what}" + (f" – {city.name}" if city is not None else "")
    title += f" ({reference})" if reference else ""
    visible = subject is not None and ministry_sees(subject)
    return Text(
        case_id=message.case_id,
        municipality_id=city_of(subject) if subject is not None else None,
        reference=reference,
        title=title,
        body=_join(message.author_name, message.body, message.attachment_name),
        ministry_visible=visible,
        internal=bool(message.internal),
    )


def ministry_sees(subject) -> bool:
    """Return whether the ministry may see a case's subject (an unsubmitted draft: no)."""
    if isinstance(subject, Application):
        return subject.submitted_at is not None
    return True
