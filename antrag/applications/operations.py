"""Changes to applications: create one, save the draft. Each takes the acting user, never commits."""

import logging

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import engine
from ..engine.errors import EngineError, NotAllowed, WrongState
from ..extensions import db
from .forms import APPLICATION_FIELDS, PROJECT_FIELDS
from .models import Application, Project
from .queries import blocking_application, membership_of
from .storage import store_pdf

logger = logging.getLogger(__name__)


class CreationRefused(EngineError):
    """The city may not start an application in this round; `existing` is the one it has."""

    status = 422
    code = "creation_refused"

    def __init__(self, message: str, existing: Application | None = None):
        super().__init__(message)
        self.existing = existing


def create_application(user, round_) -> Application:
    """Start a draft application of the user's municipality in `round_`."""
    municipality = user.municipality
    if user.role != "applicant" or municipality is None:
        raise NotAllowed(_("Nur antragstellende Kommunen können einen Antrag anlegen."))
    if not round_.is_open() or not round_.is_eligible(municipality):
        raise CreationRefused(
            _(
                "In der Antragsrunde „%(round)s“ kann %(municipality)s derzeit keinen Antrag anlegen.",
                round=round_.name,
                municipality=municipality.name,
            )
        )
    membership = membership_of(municipality.id)
    if membership is not None:
        raise CreationRefused(
            _(
                "%(municipality)s ist bereits Mitglied des Netzwerks; ein neuer Beitrittsantrag "
                "ist nicht nötig.",
                municipality=municipality.name,
            ),
            membership,
        )
    existing = blocking_application(municipality.id, round_.id)
    application = _insert_draft(user, round_) if existing is None else None
    if application is None:
        raise CreationRefused(
            _("Ihre Kommune hat in dieser Antragsrunde bereits einen Antrag."),
            existing or blocking_application(municipality.id, round_.id),
        )
    logger.info("Application %s created by user %s", application.id, user.id)
    return application


def _insert_draft(user, round_) -> Application | None:
    """Insert the draft and start its case; return None if another request took the slot first.

    Two requests of a double click both find no application; the round slot's UNIQUE
    constraint refuses the second insert, and only its savepoint is undone.
    """
    try:
        with db.session.begin_nested():
            application = Application(round=round_, municipality=user.municipality, created_by=user)
            engine.start("membership", application, user)
    except IntegrityError:
        if blocking_application(user.municipality_id, round_.id) is None:
            raise  # not the slot: a fault this code does not know of
        return None
    return application


def save_application(user, application: Application, data: dict) -> Application:
    """Apply the form's values, projects and upload to an editable application (no commit)."""
    if not application.can_edit(user):
        raise WrongState(_("Der Antrag kann in seinem jetzigen Status nicht bearbeitet werden."))
    for name in APPLICATION_FIELDS:
        setattr(application, name, data.get(name))
    _apply_projects(application, data.get("projects") or [], bool(data.get("add_project")))
    upload = data.get("council_resolution")
    if upload is not None:
        store_pdf(application, upload.data, upload.filename, user)
    db.session.flush()
    logger.info("Application %s saved by user %s", application.id, user.id)
    return application


def _apply_projects(application: Application, rows: list[dict], add: bool) -> None:
    """Update, drop and add projects in the order of the form's rows."""
    existing = {p.id: p for p in application.projects}
    kept = []
    for row in rows:
        project = existing.pop(row.get("id"), None)
        if row.get("remove"):
            continue
        project = project or Project()
        for name in PROJECT_FIELDS:
            setattr(project, name, row.get(name))
        kept.append(project)
    # Projects the form did not mention stay: nothing saved is lost by a partial post.
    kept += existing.values()
    if add:
        kept.append(Project())
    for position, project in enumerate(kept):
        project.position = position
    application.projects = kept
