"""Claiming, releasing and handing over tasks, and stand-ins (Vertretung).

A task is a case waiting for the ministry; its holder is a row of `task_claim` (unique per
case in the database). A claim is not a state change, so it never passes the engine: each
change is written to `task_claim_event` instead. Two clerks claiming at once: the row is
locked (PostgreSQL) or the write transaction serialised (SQLite, BEGIN IMMEDIATE), and a
second INSERT fails on the unique constraint; either way the later one gets a 409.

Operations take the acting user, flush and never commit (the request commits once).
"""

import logging
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..engine.errors import EngineError, NotVisible
from ..engine.models import Case
from ..extensions import db
from .models import StandIn, TaskClaim, TaskClaimEvent
from .waiting import lookup

logger = logging.getLogger(__name__)


class ClaimConflict(EngineError):
    """Someone else holds the task, or took it first."""

    status = 409
    code = "claimed"


class ClaimRefused(EngineError):
    """The claim change is not possible (not a task, colleague not an active reviewer)."""

    status = 422
    code = "claim_refused"


def stands_for(user, day: date) -> list[int]:
    """Return the ids of the colleagues `user` stands in for on `day`."""
    return list(
        db.session.scalars(
            select(StandIn.absent_id).where(
                StandIn.stand_in_id == user.id, StandIn.starts_on <= day, StandIn.ends_on >= day
            )
        )
    )


def _task(case_id: int) -> Case:
    """Return the case if it waits for the ministry (a task); otherwise refuse."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotVisible(_("Diesen Vorgang gibt es nicht."))
    waiting = lookup(case)
    if (waiting is None or waiting.role != "reviewer") and not _has_open_gap(case_id):
        raise ClaimRefused(_("Dieser Vorgang wartet nicht auf das Ministerium."))
    return case


def _has_open_gap(case_id: int) -> bool:
    """Return whether the case is an approved application still without a mentor (a task)."""
    from ..applications.models import Application
    from ..mentoring.models import MentoringGap

    found = db.session.scalar(
        select(MentoringGap.id)
        .join(Application, Application.id == MentoringGap.application_id)
        .where(Application.case_id == case_id, MentoringGap.resolved_at.is_(None))
    )
    return found is not None


def _locked_claim(case_id: int) -> TaskClaim | None:
    return db.session.scalar(
        select(TaskClaim).where(TaskClaim.case_id == case_id).with_for_update()
    )


def _may_change(user, claim: TaskClaim, day: date) -> bool:
    """The holder, their stand-in today, or the head of unit may release or hand it over."""
    return claim.holder_id == user.id or user.lead or claim.holder_id in stands_for(user, day)


def _event(case_id, action, actor, previous=None, holder=None) -> None:
    db.session.add(
        TaskClaimEvent(
            case_id=case_id,
            action=action,
            actor_id=actor.id,
            previous_holder_id=previous,
            holder_id=holder,
        )
    )


def claim(user, case_id: int) -> TaskClaim:
    """Let `user` take the task; a task someone else holds is a 409."""
    _task(case_id)
    held = _locked_claim(case_id)
    if held is not None:
        if held.holder_id == user.id:
            return held
        raise ClaimConflict(
            _("%(name)s hat diese Aufgabe bereits übernommen.", name=held.holder.name)
        )
    row = TaskClaim(case_id=case_id, holder_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise ClaimConflict(_("Jemand anderes hat diese Aufgabe gerade übernommen.")) from None
    _event(case_id, "claim", user, holder=user.id)
    logger.info("Case %s claimed by user %s", case_id, user.id)
    return row


def release(user, case_id: int, day: date) -> None:
    """Give the task back to the team."""
    held = _locked_claim(case_id)
    if held is None:
        return
    if not _may_change(user, held, day):
        raise ClaimConflict(
            _("%(name)s hält diese Aufgabe; nur sie oder ihre Vertretung gibt sie frei.",
              name=held.holder.name)
        )  # fmt: skip
    _event(case_id, "release", user, previous=held.holder_id)
    db.session.delete(held)
    db.session.flush()
    logger.info("Case %s released by user %s", case_id, user.id)


def hand_over(user, case_id: int, colleague_id: int, day: date) -> TaskClaim:
    """Hand the task to a named colleague, who must be an active reviewer."""
    _task(case_id)
    colleague = db.session.get(User, colleague_id)
    if colleague is None or colleague.role != "reviewer" or not colleague.active:
        raise ClaimRefused(
            _("Bitte wählen Sie eine aktive Person des Ministeriums."),
            errors={"holder": _("Bitte wählen Sie eine aktive Person des Ministeriums.")},
        )
    held = _locked_claim(case_id)
    if held is None:
        return _claim_for(user, case_id, colleague)
    if not _may_change(user, held, day):
        raise ClaimConflict(
            _("%(name)s hält diese Aufgabe; nur sie oder ihre Vertretung gibt sie weiter.",
              name=held.holder.name)
        )  # fmt: skip
    _event(case_id, "hand_over", user, previous=held.holder_id, holder=colleague.id)
    held.holder_id = colleague.id
    db.session.flush()
    logger.info("Case %s handed to user %s by user %s", case_id, colleague.id, user.id)
    return held


def _claim_for(user, case_id: int, colleague) -> TaskClaim:
    row = TaskClaim(case_id=case_id, holder_id=colleague.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise ClaimConflict(_("Jemand anderes hat diese Aufgabe gerade übernommen.")) from None
    _event(case_id, "hand_over", user, holder=colleague.id)
    return row


def add_stand_in(user, absent_id: int, stand_in_id: int, starts_on: date, ends_on: date):
    """Record that `stand_in_id` stands in for `absent_id` in the period (both reviewers)."""
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([absent_id, stand_in_id]))
    )}  # fmt: skip
    errors = {}
    for field, uid in (("absent", absent_id), ("stand_in", stand_in_id)):
        found = people.get(uid)
        if found is None or found.role != "reviewer" or not found.active:
            errors[field] = _("Bitte wählen Sie eine aktive Person des Ministeriums.")
    if absent_id == stand_in_id:
        errors["stand_in"] = _("Niemand kann sich selbst vertreten.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    if errors:
        raise ClaimRefused(_("Die Vertretung wurde nicht gespeichert."), errors=errors)
    row = StandIn(
        absent_id=absent_id,
        stand_in_id=stand_in_id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    logger.info("Stand-in %s for %s recorded by %s", stand_in_id, absent_id, user.id)
    return row
