"""Mentoring pages: the mentor's dashboard, the assignment case page and the ministry's overview."""

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from .. import engine
from ..accounts.models import User
from ..applications.models import FIELDS_OF_ACTION
from ..auth import load_visible, role_required
from ..cases.actions import fire_posted
from ..cases.page import action_error_items, build_case_view
from ..db_types import utcnow
from ..extensions import db
from ..i18n import label
from .forms import GapProposalForm, KickoffForm
from .models import MentoringAssignment, MentoringGap
from .operations import WORKFLOW, MentoringRefused, mentor_loads, open_gaps, propose_for_gap

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

DASHBOARD_GROUPS = {
    "proposed": ("proposed",),
    "running": ("accepted", "active"),
    "done": ("completed", "declined", "expired"),
}


@bp.context_processor
def _labels() -> dict:
    """Give the mentoring templates the labels of states and fields of action."""

    def topic_labels(topics) -> str:
        return ", ".join(
            label(FIELDS_OF_ACTION[t]) for t in sorted(topics) if t in FIELDS_OF_ACTION
        )

    return {
        # of every version a case may run on
        "state_labels": engine.workflows().state_labels(WORKFLOW),
        "topic_labels": topic_labels,
    }


def _assignments(*conditions) -> list[MentoringAssignment]:
    """Return assignments with case, city, mentor and round loaded, newest first."""
    stmt = (
        select(MentoringAssignment)
        .join(MentoringAssignment.case)
        .options(
            contains_eager(MentoringAssignment.case),
            joinedload(MentoringAssignment.municipality),
            joinedload(MentoringAssignment.mentor),
            joinedload(MentoringAssignment.application),
        )
        .where(*conditions)
        .order_by(MentoringAssignment.created_at.desc(), MentoringAssignment.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


@bp.route("")
@login_required
def dashboard():
    """The mentor's start page: proposed to me, running, done."""
    if current_user.role != "mentor":
        return redirect(url_for("main.index"))
    mine = _assignments(MentoringAssignment.mentor_id == current_user.id)
    groups = {
        key: [a for a in mine if a.case.state in states] for key, states in DASHBOARD_GROUPS.items()
    }
    return render_template("mentoring/dashboard.html", groups=groups, now=utcnow())


@bp.route("/zuordnungen/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    """The case page of one assignment, for its mentor and the ministry."""
    return _render_assignment(load_visible(MentoringAssignment, assignment_id))


@bp.route("/zuordnungen/<int:assignment_id>/aktion", methods=["POST"])
@login_required
def act(assignment_id: int):
    """Fire one workflow action of the assignment; the kick-off carries its date."""
    found = load_visible(MentoringAssignment, assignment_id)
    inputs = None
    if request.form.get("trigger") == "kick_off":
        kickoff = KickoffForm()
        if not kickoff.validate():
            return _render_assignment(found, kickoff=kickoff), 422
        inputs = {"kickoff_on": kickoff.kickoff_on.data}
    return fire_posted(
        found, _render_assignment, url_for(".assignment", assignment_id=found.id), inputs
    )


@bp.route("/ministerium")
@role_required("reviewer")
def overview():
    """The ministry's overview: flagged gaps first, then every assignment with its state."""
    return _render_overview()


@bp.route("/ministerium/luecken/<int:gap_id>", methods=["POST"])
@role_required("reviewer")
def propose_for(gap_id: int):
    """Propose a chosen mentor for a city no suitable mentor was left for."""
    gap = db.get_or_404(MentoringGap, gap_id)
    form = _gap_form(gap)
    if not form.validate():
        return _render_overview(failed={gap.id: form}), 422
    try:
        found = propose_for_gap(current_user, gap, form.mentor.data)
    except MentoringRefused as exc:
        form.mentor.errors = [exc.message]
        return _render_overview(failed={gap.id: form}), 422
    db.session.commit()
    flash(
        _(
            "%(mentor)s ist für %(municipality)s vorgeschlagen und wurde per E-Mail benachrichtigt.",
            mentor=found.mentor.name,
            municipality=found.municipality.name,
        ),
        "success",
    )
    return redirect(url_for(".overview"))


def _gap_form(gap: MentoringGap, loads=None) -> GapProposalForm:
    """Return the proposal form of one gap (prefixed, since the page holds one per gap)."""
    loads = mentor_loads() if loads is None else loads
    users = {u.id: u for u in db.session.scalars(select(User).where(User.role == "mentor"))}
    form = GapProposalForm(prefix=f"gap-{gap.id}")
    form.set_mentors(loads, users)
    return form


def _render_overview(failed: dict | None = None):
    """Render the ministry's page; `failed` maps a gap id to its refused form."""
    loads = mentor_loads()
    gaps = open_gaps()
    forms = {gap.id: (failed or {}).get(gap.id) or _gap_form(gap, loads) for gap in gaps}
    mentors = {u.id: u for u in db.session.scalars(select(User).where(User.role == "mentor"))}
    return render_template(
        "mentoring/overview.html",
        gaps=gaps,
        forms=forms,
        assignments=_assignments(),
        loads=loads,
        mentors=mentors,
        now=utcnow(),
    )


def _render_assignment(found: MentoringAssignment, failed=None, kickoff=None):
    """Render the case page; actions with inputs (the kick-off) get their own form."""
    view = build_case_view(found.case, current_user, found)
    with_inputs = [a for a in view.actions if a.transition.inputs]
    view = replace(view, actions=[a for a in view.actions if not a.transition.inputs])
    if failed:
        failed["summary"] = action_error_items(view, failed["trigger"], failed["errors"])
    return render_template(
        "mentoring/assignment.html",
        assignment=found,
        case_view=view,
        input_actions=with_inputs,
        kickoff=kickoff or KickoffForm(formdata=None),
        failed=failed,
        show_application=found.application.can_view(current_user),
    )
