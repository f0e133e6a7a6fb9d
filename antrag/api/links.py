"""Links between resources: an application to the notice deciding it, a notice back to it,
a call-off, proof of use or amendment notice to the funding notice it belongs to.

A link is given only where the caller may follow it (the target's `visible_to`, the same
rule as its `can_view`), else it is null. Links are computed for a whole page at once (one
query per kind of target), not row by row.
"""

import functools

from sqlalchemy import bindparam, exists, false, select
from sqlalchemy.orm.base import instance_state
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import False_, True_

from ..applications.models import Application
from ..engine.models import Case
from ..engine.reads import columns
from ..engine.workflows import workflows
from ..extensions import db
from ..funding.models import FundingNotice
from ..mentoring.models import FOLLOWING_STATES, MentoringAssignment
from ..notices.models import RejectionNotice
from .urls import api_url


def application_visible(user):
    """Return the SQL condition of the applications `user` may see (as `Application.can_view`)."""
    role = getattr(user, "role", None)
    if role == "applicant":
        return Application.municipality_id == user.municipality_id
    if role == "reviewer":
        return Application.submitted_at.is_not(None)
    if role == "mentor":
        follows = (
            select(MentoringAssignment.id)
            .join(Case, Case.id == MentoringAssignment.case_id)
            .where(
                MentoringAssignment.application_id == Application.id,
                MentoringAssignment.mentor_id == user.id,
                Case.state.in_(FOLLOWING_STATES),
            )
        )
        return exists(follows)
    return false()


class _Caller:
    """A stand-in for the caller in a visibility rule: its ids are bound parameters.

    A rule given it yields a statement that serves every caller of the same role, built
    once (`_built`); the caller's own ids go in as parameters (`_run`)."""

    def __init__(self, role, is_authenticated):
        self.role = role
        self.is_authenticated = is_authenticated
        self.id = bindparam("caller_id")
        self.municipality_id = bindparam("caller_municipality_id")


CALLER_PARAMS = {"caller_id": "id", "caller_municipality_id": "municipality_id"}


def _built(statement) -> tuple:
    """Return `statement` with the caller's attributes it binds: {parameter: attribute}."""
    bound = statement.compile().params
    return statement, {name: attr for name, attr in CALLER_PARAMS.items() if name in bound}


@functools.cache
def _for_role(statement_for, role: str | None, is_authenticated: bool, *args) -> tuple:
    """Return `statement_for(*args, caller)` for every caller of a role, built once (`_built`)."""
    return _built(statement_for(*args, _Caller(role, is_authenticated)))


def _visible_rows(statement_for, ids, user, *args):
    """Run `statement_for(*args, caller)` (its rows among `ids` that `user` may see).

    The statement built once for the caller's role serves unless the caller lacks a value
    it binds: `= NULL` is not what the rule says with None (`IS NULL`), so then it is built
    for the caller itself. It runs on the session's connection (rows of columns need no
    ORM), after the autoflush the session would do."""
    statement, attributes = _for_role(statement_for, *_role_key(user), *args)
    params = {"ids": list(ids)}
    for name, attr in attributes.items():
        value = getattr(user, attr, None)
        if value is None:
            return columns(statement_for(*args, user), {"ids": list(ids)})
        params[name] = value
    return columns(statement, params)


def _role_key(user) -> tuple:
    return (getattr(user, "role", None), bool(getattr(user, "is_authenticated", False)))


def _ids():
    return bindparam("ids", expanding=True)


def _notices_of_applications(model, caller):
    """The notices of `model` of some applications (`ids`) that `caller` may see."""
    return (
        select(model.application_id, model.id)
        .join(Case, Case.id == model.case_id)
        .where(model.application_id.in_(_ids()), model.visible_to(caller))
    )


def _visible_notices(model, application_ids, user) -> dict[int, str]:
    """Return {application id: URL of its notice of `model`} for the notices `user` may see."""
    if not application_ids:
        return {}
    rows = _visible_rows(_notices_of_applications, application_ids, user, model)
    return {application_id: _notice_url(model, id_) for application_id, id_ in rows}


def _notice_url(model, notice_id: int) -> str:
    endpoint = f"api.{'funding' if model is FundingNotice else 'rejection'}_notice_detail"
    return api_url(endpoint, object_id=notice_id)


# The effects that draft the notice deciding an application, and the notice's model.
_DECIDING = {"create_funding_notice": FundingNotice, "create_rejection_notice": RejectionNotice}


@functools.cache
def _decided_states(workflow: str, version: int, model) -> frozenset:
    """Return the states an application reaches with a notice of `model` drafted.

    Taken from the definition: the destinations of the transitions whose effects draft it
    (they are final), so that an undecided application, e.g. the answer to a transition in
    review, asks for no notice at all.
    """
    definition = workflows().get(workflow, version)
    return frozenset(
        t.dest
        for t in definition.transitions
        if any(_DECIDING.get(effect) is model for effect in t.effects)
    )


def application_links(rows, user, made: dict | None = None) -> dict[int, dict]:
    """Return the `notice` link of each application: its funding or its rejection notice.

    A notice in `made` (what the transition just fired drafted, its context's `made`) is
    linked as it is, by the rule of its `can_view`, without asking the database for it.
    """
    drafted = {}
    for notice in (made or {}).values():
        if isinstance(notice, (FundingNotice, RejectionNotice)):
            drafted[(type(notice), notice.application_id)] = notice
    notices: dict[int, str] = {}
    for model in (FundingNotice, RejectionNotice):
        ids, known = [], {}
        for row in rows:
            if row.case.state not in _decided_states(
                row.case.workflow, row.case.workflow_version, model
            ):
                continue
            notice = drafted.get((model, row.id))
            if notice is None:
                ids.append(row.id)
            elif notice.can_view(user):
                known[row.id] = _notice_url(model, notice.id)
        notices |= _visible_notices(model, ids, user) | known
    return {row.id: {"notice": notices.get(row.id)} for row in rows}


def _visible_applications(caller):
    """The ids among some applications (`ids`) that `caller` may see."""
    return select(Application.id).where(Application.id.in_(_ids()), application_visible(caller))


def notice_links(rows, user, made: dict | None = None) -> dict[int, dict]:
    """Return the `application` link of each notice, where the caller may see the application.

    (`made` goes unused: a notice's application is never new in the transition it drafts.)
    """
    ids = {row.application_id for row in rows}
    visible = set()
    if ids:
        visible = set(_visible_rows(_visible_applications, ids, user).scalars())
    return _link_each(rows, "application", "api.application_detail", "application_id", visible)


def _visible_funding_notices(caller):
    """The ids among some funding notices (`ids`) that `caller` may see."""
    return (
        select(FundingNotice.id)
        .join(Case, Case.id == FundingNotice.case_id)
        .where(FundingNotice.id.in_(_ids()), FundingNotice.visible_to(caller))
    )


@functools.cache
def _funding_notice_rule(role: str | None, is_authenticated: bool) -> bool | None:
    """True or False where a role's rule for funding notices does not depend on the row (the
    ministry sees every notice, a mentor none: no statement needed); None where it does."""
    condition = FundingNotice.visible_to(_Caller(role, is_authenticated))
    return isinstance(condition, True_) if isinstance(condition, (True_, False_)) else None


def _held_notice(notice_id: int):
    """Return the session's loaded copy of a funding notice with its case's state, or None.

    After a detail's access check or a transition the session holds it: its `can_view`
    answers without a statement."""
    notice = db.session.identity_map.get(identity_key(FundingNotice, notice_id))
    if notice is None or instance_state(notice).unloaded & {"municipality_id", "case"}:
        return None
    return notice if "state" not in instance_state(notice.case).unloaded else None


def funding_notice_links(rows, user, made: dict | None = None) -> dict[int, dict]:
    """Return the `notice` link of each row that belongs to a funding notice (`notice_id`).

    (`made` goes unused: the funding notice a call-off, proof or amendment belongs to is
    never drafted by the transition that answers.)
    """
    rule = _funding_notice_rule(*_role_key(user))
    visible, asked = set(), set()
    for notice_id in {row.notice_id for row in rows}:
        held = None if rule is not None else _held_notice(notice_id)
        if rule is True or (held is not None and held.can_view(user)):
            visible.add(notice_id)
        elif rule is None and held is None:
            asked.add(notice_id)
    if asked:
        visible |= set(_visible_rows(_visible_funding_notices, asked, user).scalars())
    return _link_each(rows, "notice", "api.funding_notice_detail", "notice_id", visible)


def _link_each(rows, name: str, endpoint: str, target: str, visible: set) -> dict[int, dict]:
    """Return {row id: {name: URL of the row's `target` at `endpoint`, None unless visible}}."""
    return {
        row.id: {
            name: (
                api_url(endpoint, object_id=getattr(row, target))
                if getattr(row, target) in visible
                else None
            )
        }
        for row in rows
    }
