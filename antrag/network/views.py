"""The member directory (public) and the city's page for choosing which projects to share."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..applications.models import FIELDS_OF_ACTION, Project
from ..auth import role_required
from ..extensions import db
from ..programme.models import Municipality
from ..security import security_event
from . import legal  # noqa: F401 - registers the legal pages and the feedback form on bp
from .blueprint import bp
from .forms import DirectoryFilterForm, ShareForm
from .models import SharedProject
from .operations import set_sharing
from .partners import PARTNERS
from .queries import can_share, is_member, members, shareable_projects

__all__ = ["bp"]


@bp.context_processor
def _labels() -> dict:
    """Give the network templates the labels of the fields of action."""
    return {"field_labels": FIELDS_OF_ACTION}


@bp.route("/mitglieder/")
def directory():
    """The public directory of member cities, optionally filtered by a field of action."""
    form = DirectoryFilterForm(request.args)
    if request.args:
        form.validate()  # an unknown value is named beside the filter; all cities are shown
    chosen = form.chosen()
    return render_template(
        "network/directory.html",
        form=form,
        chosen=chosen,
        members=members(chosen),
        partners=PARTNERS,
    )


@bp.route("/mitglieder/<ags>")
def member(ags: str):
    """One member city's entry with all the projects it shares."""
    municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
    found = members(municipality_id=municipality.id) if municipality else []
    if not found:
        abort(404)
    return render_template("network/member.html", member=found[0])


@bp.route("/projekte-teilen/")
@role_required("applicant")
def sharing():
    """The city's projects with their sharing choice (once the city is a member)."""
    municipality_id = current_user.municipality_id
    return render_template(
        "network/sharing.html",
        is_member=is_member(municipality_id),
        rows=shareable_projects(municipality_id),
    )


@bp.route("/projekte-teilen/<int:project_id>", methods=["GET", "POST"])
@role_required("applicant")
def share(project_id: int):
    """Choose whether one project appears in the directory, with summary and contact."""
    project = _load_shareable(project_id)
    current = db.session.get(SharedProject, project.id)
    form = ShareForm(obj=current)
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return render_template("network/share.html", form=form, project=project), status
    set_sharing(
        current_user,
        project,
        shared=form.shared.data,
        summary=form.summary.data,
        contact_email=form.contact_email.data,
    )
    if form.shared.data:
        message = _("„%(title)s“ erscheint jetzt im Mitgliederverzeichnis.", title=project.title)
    else:
        message = _("„%(title)s“ erscheint nicht im Mitgliederverzeichnis.", title=project.title)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".sharing"))


def _load_shareable(project_id: int) -> Project:
    """Return the project if the current user's member city owns it; otherwise 404."""
    project = db.session.get(Project, project_id)
    if project is None or not can_share(current_user, project):
        security_event("access_refused", obj=f"Project:{project_id}", outcome="refused")
        abort(404)
    return project
