"""Who reads and writes the messages of a case: the city concerned and the ministry."""

from sqlalchemy import func, select

from ..extensions import db
from .models import CaseMessage

PARTIES = ("applicant", "reviewer")
# The workflows whose cases are between a city and the ministry (not mentoring, meetings).
CONVERSATION_WORKFLOWS = frozenset(
    {
        "membership",
        "funding_notice",
        "rejection_notice",
        "amendment_notice",
        "call_off",
        "proof_of_use",
        "reclaim",
    }
)


def city_of(subject) -> int | None:
    """Return the id of the municipality a case's subject concerns (None: no city)."""
    city = getattr(subject, "municipality_id", None)
    if city is None and getattr(subject, "notice", None) is not None:
        city = subject.notice.municipality_id
    return city


def may_read(user, subject) -> bool:
    """The ministry, and the accounts of the city concerned, on a case they may see."""
    role = getattr(user, "role", None)
    if role not in PARTIES or subject.case.workflow not in CONVERSATION_WORKFLOWS:
        return False
    if city_of(subject) is None or not subject.can_view(user):
        return False
    return role == "reviewer" or user.municipality_id == city_of(subject)


def sees_internal(user) -> bool:
    """Only the ministry sees its internal notes."""
    return getattr(user, "role", None) == "reviewer"


def _visible(user, case_id: int):
    query = select(CaseMessage).where(CaseMessage.case_id == case_id)
    if not sees_internal(user):
        query = query.where(CaseMessage.internal.is_(False))
    return query


def messages_for(user, case_id: int) -> list[CaseMessage]:
    """Return the messages of the case that `user` may read, oldest first."""
    query = _visible(user, case_id).order_by(CaseMessage.created_at, CaseMessage.id)
    return list(db.session.scalars(query))


def count_for(user, case_id: int) -> int:
    """Return how many messages of the case `user` may read."""
    return db.session.scalar(select(func.count()).select_from(_visible(user, case_id).subquery()))


def case_title(case, subject) -> str:
    """Return e.g. `Förderbescheid – Speyer (DS-2026-0001)`: what the case is, for whom."""
    from ..engine import workflows
    from ..i18n import label

    what = label(workflows().get(case.workflow, case.workflow_version).label)
    notice = getattr(subject, "notice", None)
    municipality = getattr(subject, "municipality", None) or getattr(notice, "municipality", None)
    reference = getattr(subject, "file_reference", None) or getattr(notice, "file_reference", None)
    title = f"{what} – {municipality.name}" if municipality is not None else what
    return f"{title} ({reference})" if reference else title
