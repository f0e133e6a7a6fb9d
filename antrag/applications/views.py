"""Applicant pages and the shared case page of an application."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import engine
from ..auth import load_visible, role_required
from ..cases.actions import fire_posted, posted_version
from ..cases.page import action_error_items, build_case_view, state_label
from ..engine.errors import WrongState
from ..extensions import db
from ..idempotency import forms as once
from ..programme.models import Round
from ..routing import parse_id
from . import queries
from .forms import ApplicationForm
from .models import Application, Attachment
from .operations import CreationRefused, create_application, save_application
from .rules import missing_parts
from .storage import path_of

bp = Blueprint("applications", __name__, url_prefix="/antraege")


@bp.route("/")
@role_required("applicant")
def index():
    """The city's applications and the rounds it may apply to now."""
    municipality = current_user.municipality
    return render_template(
        "applications/index.html",
        applications=queries.applications_of(municipality.id),
        state_label=state_label,
        **application_start(municipality),
    )


def application_start(municipality) -> dict:
    """Return the city's membership, or the open rounds it may apply to (with the
    application that already holds each): what `applications/_rounds.html` shows."""
    membership = queries.membership_of(municipality.id)
    if membership is not None:
        return {"membership": membership, "rounds": []}
    rounds = [
        (r, queries.blocking_application(municipality.id, r.id))
        for r in queries.open_rounds_for(municipality)
    ]
    return {"membership": None, "rounds": rounds}


@bp.route("/neu", methods=["POST"])
@role_required("applicant")
def create():
    """Start a draft in the chosen round and continue on its form."""
    round_id = parse_id(request.form.get("round_id"))
    if round_id is None:
        abort(400)
    round_ = db.get_or_404(Round, round_id)
    submission = once.claim()
    try:
        application = create_application(current_user, round_)
    except CreationRefused as exc:
        db.session.rollback()  # with the claim: the form may be sent again
        flash(exc.message, "error")
        if exc.existing is not None:
            return redirect(url_for(".detail", application_id=exc.existing.id))
        return redirect(url_for(".index"))
    target = submission.leads_to(url_for(".edit", application_id=application.id))
    db.session.commit()
    flash(_("Der Antrag wurde als Entwurf angelegt."), "success")
    return redirect(target)


@bp.route("/<int:application_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    """Show and save the application form (drafts may be incomplete)."""
    application = load_visible(Application, application_id)
    if not application.can_edit(current_user):
        return _not_editable(application)
    if request.method == "GET":
        return _render_edit(application, ApplicationForm.for_application(application))
    form = ApplicationForm()
    version = posted_version(form.version.data)
    if not form.validate():
        return _render_edit(application, form), 422
    engine.touch(application.case, version)
    save_application(current_user, application, form.to_data())
    db.session.commit()
    flash(_("Entwurf gespeichert."), "success")
    plan = application.financing_plan()
    if plan.complete and not plan.balances:  # saved anyway: a draft may be unfinished
        problems = " ".join(message for _field, message in plan.gaps())
        flash(_("Hinweis zum Finanzierungsplan: %(problems)s", problems=problems), "info")
    if form.add_project.data:
        return redirect(url_for(".edit", application_id=application.id, _anchor="projekte"))
    return redirect(url_for(".detail", application_id=application.id))


@bp.route("/<int:application_id>")
@login_required
def detail(application_id: int):
    """The case page: data, attachments, progress, history and the viewer's actions."""
    return _render_detail(load_visible(Application, application_id))


@bp.route("/<int:application_id>/aktion", methods=["POST"])
@login_required
def act(application_id: int):
    """Fire one workflow action from the case page."""
    application = load_visible(Application, application_id)
    return fire_posted(
        application, _render_detail, url_for(".detail", application_id=application.id)
    )


@bp.route("/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int):
    """Send an attachment of a visible application as a download."""
    application = load_visible(Application, application_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.application_id != application.id:
        abort(404)
    path = path_of(found)
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype=found.content_type, as_attachment=True, download_name=found.original_name
    )


def _not_editable(application: Application):
    """Explain why the form is closed: 403 for other roles, a message for the city."""
    if current_user.role != "applicant":
        abort(403)
    message = _(
        "Der Antrag ist im Status „%(state)s“ und kann nicht bearbeitet werden.",
        state=state_label(application.case),
    )
    if request.method == "POST":
        raise WrongState(message)
    flash(message, "info")
    return redirect(url_for(".detail", application_id=application.id))


def _render_edit(application: Application, form: ApplicationForm):
    """Render the form with the completeness checklist of what is stored."""
    change_request = None
    if application.case.state == "changes_requested":
        change_request = queries.latest_entry_into(application.case, "changes_requested")
    return render_template(
        "applications/edit.html",
        application=application,
        form=form,
        missing=missing_parts(application),
        # What the stored figures would be refused for at submission, said at once
        # (an amount above the round's standard amount, a plan that does not balance).
        plan_problems=[message for _name, message in application.financing_plan().gaps()],
        plan_notes=_plan_notes(application),
        change_request=change_request,
    )


def _plan_notes(application: Application) -> dict[str, str]:
    """Return the financing plan's messages by the form field they concern."""
    notes: dict[str, list[str]] = {}
    for name, message in application.financing_plan().gaps():
        notes.setdefault(name, []).append(message)
    return {name: " ".join(messages) for name, messages in notes.items()}


def _render_detail(application: Application, failed: dict | None = None):
    """Render the case page; `failed` holds a refused action's field errors and typed comment."""
    case_view = build_case_view(application.case, current_user, application)
    if failed:
        failed["summary"] = action_error_items(case_view, failed["trigger"], failed["errors"])
    from .revision_views import revisions_context

    return render_template(
        "applications/detail.html",
        application=application,
        case_view=case_view,
        failed=failed,
        **revisions_context(application),
    )


from . import revision_views  # noqa: E402,F401  (routes on this blueprint)
