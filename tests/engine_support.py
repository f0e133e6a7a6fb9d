"""Helpers for the engine tests: the membership definition and a short way to fire."""

from pathlib import Path

from antrag import engine, features
from antrag.engine.definitions import load_file
from antrag.engine.registry import GUARDS
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
