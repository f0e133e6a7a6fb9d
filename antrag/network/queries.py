"""Read-only look-ups of the directory: member cities, their mentors and shared projects."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..applications.models import Application, Project
from ..engine.calendar import BERLIN
from ..engine.models import Case, HistoryEntry
from ..extensions import db
from ..mentoring.models import MentoringAssignment
from .models import SharedProject

MEMBERSHIP = "membership"
# A city is listed once its funding notice has been made known to it (§§ 41, 43 (1) VwVfG:
# issued by post or retrieved, then contested, final or closed); not while the notice is a
# draft, waits for retrieval, or after it was discarded or annulled.
NOTICE_MADE_KNOWN = ("issued", "contested", "final", "closed")
# Mentorings that have actually been taken on (a mere proposal does not count).
MENTORED_STATES = ("accepted", "active", "completed")


@dataclass
class Member:
    """A member city as the directory shows it."""

    application: Application  # the first approved membership application
    joined_on: date  # the day of the approval decision, in Berlin
    mentor_organisation: str | None = None
    projects: list[SharedProject] = field(default_factory=list)

    @property
    def municipality(self):
        return self.application.municipality

    @property
    def round(self):
        return self.application.round


def approved_applications(municipality_id: int | None = None) -> list[tuple[Application, date]]:
    """Return (application, day of approval) of approved memberships, earliest decision first."""
    stmt = (
        select(Application, HistoryEntry.created_at)
        .join(Case, Case.id == Application.case_id)
        .join(
            HistoryEntry,
            and_(HistoryEntry.case_id == Case.id, HistoryEntry.to_state == "approved"),
        )
        .where(Case.workflow == MEMBERSHIP, Case.state == "approved")
        .order_by(HistoryEntry.created_at, Application.id)
    )
    if municipality_id is not None:
        stmt = stmt.where(Application.municipality_id == municipality_id)
    return [(a, at.astimezone(BERLIN).date()) for a, at in db.session.execute(stmt).all()]


def is_member(municipality_id: int | None) -> bool:
    """Return whether the municipality has an approved membership application."""
    return municipality_id is not None and bool(approved_applications(municipality_id))


def members(field_of_action: str | None = None, municipality_id: int | None = None) -> list[Member]:
    """Return the member cities by name, each with its shared projects (of one field, if given).

    A city is listed once the funding notice of its approved application has been made known.

    With a field of action, only the cities that share a project in that field are listed.
    """
    found: dict[int, Member] = {}
    application_ids: dict[int, int] = {}
    made_known = _notice_made_known(municipality_id)
    for application, joined_on in approved_applications(municipality_id):
        if application.id not in made_known:
            continue
        application_ids[application.id] = application.municipality_id
        if application.municipality_id not in found:
            found[application.municipality_id] = Member(application, joined_on)
    for municipality, organisation in _mentor_organisations(list(found)).items():
        found[municipality].mentor_organisation = organisation
    for shared in _shared_projects(list(application_ids), field_of_action):
        found[application_ids[shared.project.application_id]].projects.append(shared)
    listed = [m for m in found.values() if m.projects or not field_of_action]
    return sorted(listed, key=lambda m: m.municipality.name)


def _notice_made_known(municipality_id: int | None) -> set[int]:
    """Return the ids of approved applications whose funding notice has been made known."""
    from ..funding.models import FundingNotice

    stmt = (
        select(FundingNotice.application_id)
        .join(Case, Case.id == FundingNotice.case_id)
        .where(Case.state.in_(NOTICE_MADE_KNOWN))
    )
    if municipality_id is not None:
        stmt = stmt.where(FundingNotice.municipality_id == municipality_id)
    return set(db.session.scalars(stmt))


def _mentor_organisations(municipality_ids: list[int]) -> dict[int, str | None]:
    """Return the organisation of each city's newest mentor who took the mentoring on."""
    if not municipality_ids:
        return {}
    rows = db.session.execute(
        select(MentoringAssignment.municipality_id, User.organisation)
        .join(Case, Case.id == MentoringAssignment.case_id)
        .join(User, User.id == MentoringAssignment.mentor_id)
        .where(
            MentoringAssignment.municipality_id.in_(municipality_ids),
            Case.state.in_(MENTORED_STATES),
        )
        .order_by(MentoringAssignment.created_at, MentoringAssignment.id)
    ).all()
    return dict(rows)


def _shared_projects(application_ids: list[int], field_of_action: str | None) -> list:
    """Return the projects of these applications that their city chose to share."""
    if not application_ids:
        return []
    stmt = (
        select(SharedProject)
        .join(SharedProject.project)
        .options(contains_eager(SharedProject.project))
        .where(SharedProject.shared.is_(True), Project.application_id.in_(application_ids))
        .order_by(Project.application_id, Project.position, Project.id)
    )
    if field_of_action:
        stmt = stmt.where(Project.field_of_action == field_of_action)
    return list(db.session.scalars(stmt))


def shareable_projects(municipality_id: int) -> list[tuple[Project, SharedProject | None]]:
    """Return the projects of the city's approved applications with their sharing choice."""
    application_ids = [a.id for a, _day in approved_applications(municipality_id)]
    if not application_ids:
        return []
    rows = db.session.execute(
        select(Project, SharedProject)
        .outerjoin(SharedProject, SharedProject.project_id == Project.id)
        .where(Project.application_id.in_(application_ids))
        .order_by(Project.application_id, Project.position, Project.id)
    ).all()
    return [(project, shared) for project, shared in rows]


def can_share(user, project: Project) -> bool:
    """Return whether `user` may decide about sharing `project`: its member city's applicants."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role != "applicant" or user.municipality_id != project.application.municipality_id:
        return False
    return project.application.case.state == "approved"
