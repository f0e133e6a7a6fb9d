"""The inboxes of a city and of a mentor.

A city sees the cases of its own municipality only: what waits for it (notices to
retrieve, waivers, funds to call off, proofs due, change requests, hearings), and the cases
it follows while the ministry acts (its application, its call-offs, its proof, a reclaim).
A mentor sees the assignments made to them. Both lists are short; each is one statement
plus the bounded lookups of `build_rows`.
"""

from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import select

from ..engine.models import Case
from ..engine.workflows import workflows
from ..extensions import db
from .cities import join_cities
from .ministry import build_rows
from .waiting import CITY_FOLLOWS, in_states, waiting_states

LIST_LIMIT = 100
# The call-off form on the notice page (templates/funding/notice.html).
CALL_OFF_ANCHOR = "#mittel-abrufen"


def _ordered(stmt):
    return stmt.order_by(Case.due_at.is_(None), Case.due_at, Case.updated_at.desc(), Case.id)


def city_inbox(user, now) -> tuple[list, list]:
    """Return (what waits for the city, what it follows while the ministry acts)."""
    own = waiting_states("applicant")
    stmt, city = join_cities()
    stmt = stmt.add_columns(city.label("city_id")).where(city == user.municipality_id)
    tasks = db.session.execute(_ordered(stmt.where(in_states(own))).limit(LIST_LIMIT))
    waiting_keys = {(s.workflow, s.version, s.state) for s in own}
    followed = [
        _Key(d.name, d.version, name)
        for d in workflows().all()
        if d.name in CITY_FOLLOWS
        for name, state in d.states.items()
        if not state.final and (d.name, d.version, name) not in waiting_keys
    ]
    following = db.session.execute(_ordered(stmt.where(in_states(followed))).limit(LIST_LIMIT))
    tasks = _visible(build_rows(tasks, now, "applicant"), user) + _funds_to_call_off(user, now)
    return tasks, _visible(build_rows(following, now, "applicant"), user)


def _funds_to_call_off(user, now) -> list:
    """Return a row "Mittel abrufen" per final notice of the city with money left to ask for.

    Calling off funds is the city's work on a final notice, yet no transition of the notice
    (each call-off is a case of its own), so the definitions do not list it as waiting. The
    row leads straight to the notice page's call-off form; the same rule as that form decides
    (`may_call_off`). A city has a notice per round: a few rows, a few queries each.
    """
    from ..funding.call_off_rules import may_call_off
    from ..funding.models import FundingNotice

    stmt = (
        select(Case, FundingNotice.municipality_id.label("city_id"))
        .join(FundingNotice, FundingNotice.case_id == Case.id)
        .where(FundingNotice.municipality_id == user.municipality_id, Case.state == "final")
        .order_by(Case.updated_at, Case.id)
        .limit(LIST_LIMIT)
    )
    return [
        replace(row, what=_("Mittel abrufen"), anchor=CALL_OFF_ANCHOR)
        for row in build_rows(db.session.execute(stmt), now, "applicant")
        if row.subject is not None and may_call_off(user, row.subject)
    ]


def mentor_inbox(user, now) -> list:
    """Return the mentor's proposed, accepted and active assignments, answer deadline first."""
    from ..mentoring.models import MentoringAssignment

    stmt = (
        select(Case, MentoringAssignment.municipality_id.label("city_id"))
        .join(MentoringAssignment, MentoringAssignment.case_id == Case.id)
        .where(MentoringAssignment.mentor_id == user.id, in_states(waiting_states("mentor")))
    )
    rows = build_rows(db.session.execute(_ordered(stmt).limit(LIST_LIMIT)), now, "mentor")
    return _visible(rows, user)


def _visible(rows: list, user) -> list:
    """Keep the rows whose subject the person may open (the subject's own rule decides)."""
    return [row for row in rows if row.subject is not None and row.subject.can_view(user)]


class _Key:
    """A (workflow, version, state) triple in the shape `in_states` reads."""

    __slots__ = ("workflow", "version", "state")

    def __init__(self, workflow: str, version: int, state: str):
        self.workflow, self.version, self.state = workflow, version, state
