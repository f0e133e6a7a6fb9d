"""Helpers for the engine tests: the membership definition and a short way to fire."""

from decimal import Decimal
from pathlib import Path

from antrag import engine, features
from antrag.applications.models import Application
from antrag.engine.definitions import load_file
from antrag.engine.registry import GUARDS
from antrag.extensions import db
from config import Config

features.load()
MEMBERSHIP = load_file(Path(Config.WORKFLOWS_DIR) / "membership" / "v1.yaml")
FOUR_EYES = GUARDS["four_eyes"].message


def actor_for(world, role):
    """Return a person of `role`; reviewers are the second reviewer, never the proposer."""
    return {
        "applicant": world.users.speyer,
        "reviewer": world.users.reviewer2,
        "mentor": world.users.mentor,
        "admin": world.users.admin,
        "system": engine.SYSTEM,
    }[role]


def fire(application, trigger, actor, comment="Begründung.", **kwargs):
    """Fire `trigger` on the application's case with the version the actor just saw."""
    kwargs.setdefault("version", application.case.version)
    return engine.fire(application.case.id, trigger, actor, comment=comment, **kwargs)


def fire_committed(application, trigger, actor, comment=None):
    """Fire on the application's case as loaded afresh, and commit, as a request would."""
    db.session.expire_all()
    case = db.session.get(Application, application.id).case
    engine.fire(case.id, trigger, actor, version=case.version, comment=comment)
    db.session.commit()


def send_back_and_resubmit(application, world, *, project_title=None):
    """Review, send back for a higher own contribution, change the amounts, resubmit.

    The financing plan still adds up (55,000.00 EUR asked, 12,500.00 EUR own contribution);
    `project_title` also renames the first project.
    """
    fire_committed(application, "start_review", world.users.reviewer)
    fire_committed(
        application, "request_changes", world.users.reviewer, "Bitte Eigenanteil erhöhen."
    )
    found = db.session.get(Application, application.id)
    found.requested_amount = Decimal("55000.00")
    found.own_contribution = Decimal("12500.00")
    if project_title is not None:
        found.projects[0].title = project_title
    db.session.commit()
    fire_committed(application, "resubmit", world.users.speyer)
