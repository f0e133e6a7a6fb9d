"""The ministry's review queue: submitted applications, filtered, sorted and paginated."""

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from ..applications.models import Application
from ..applications.revisions import latest_number
from ..auth import role_required
from ..db_types import utcnow
from ..engine import Case, workflows
from ..engine.calendar import BERLIN
from ..extensions import db
from ..i18n import label
from ..pagination import capped_paginate
from ..programme.models import Round

bp = Blueprint("review", __name__, url_prefix="/pruefung")

WORKFLOW = "membership"
# States in which the ministry or the city still has to act: the default view of the queue.
OPEN_STATES = (
    "submitted",
    "in_review",
    "changes_requested",
    "proposed_approval",
    "proposed_rejection",
)
SORTS = {"oldest": _l("Älteste zuerst"), "newest": _l("Neueste zuerst")}


class QueueFilterForm(FlaskForm):
    """The queue's filters, sent with GET so that a filtered view can be bookmarked."""

    class Meta:
        csrf = False

    state = SelectField(_l("Status"), default="offen")
    round = SelectField(_l("Antragsrunde"), default="")
    mine = BooleanField(_l("Nur mir zugewiesen"))
    sort = SelectField(
        _l("Sortierung"),
        choices=[SelectChoice(value, label) for value, label in SORTS.items()],
        default="oldest",
    )

    def set_choices(self, rounds) -> None:
        """Offer the open states together, each state alone, everything, and every round."""
        states = workflows().current(WORKFLOW).states
        self.state.choices = (
            [SelectChoice("offen", _l("Offen (noch nicht entschieden)"))]
            + [SelectChoice(name, _l(s.label)) for name, s in states.items() if name != "draft"]
            + [SelectChoice("alle", _l("Alle Status"))]
        )
        self.round.choices = [SelectChoice("", _l("Alle Runden"))] + [
            SelectChoice(str(r.id), r.name) for r in rounds
        ]

    def fall_back_to_defaults(self) -> None:
        """Replace values nobody can pick in the form (an edited URL) by the defaults."""
        for field in self:
            if field.errors:
                field.data, field.errors = field.default, []

    def args(self) -> dict:
        """Return the filter as query arguments, for the pagination links."""
        args = {"state": self.state.data, "round": self.round.data, "sort": self.sort.data}
        if self.mine.data:
            args["mine"] = "y"
        return args


@dataclass(frozen=True)
class QueueRow:
    """One application in the queue with what the table shows about it."""

    application: Application
    revision: int | None  # the newest revision's number: above 1 when resubmitted
    state_label: str
    age_days: int
    overdue: bool


def queue_statement(form: QueueFilterForm, user):
    """Return the query of the queue: submitted applications with everything a row shows."""
    revision = latest_number(Application.id).label("revision")
    stmt = queue_filter(select(Application, revision), form, user).options(
        contains_eager(Application.case).joinedload(Case.assignee),
        joinedload(Application.round),
        joinedload(Application.municipality),
    )
    if form.sort.data == "newest":
        return stmt.order_by(Application.submitted_at.desc(), Application.id.desc())
    return stmt.order_by(Application.submitted_at, Application.id)


def queue_filter(stmt, form: QueueFilterForm, user):
    """Return `stmt` restricted to the submitted applications the filters select."""
    stmt = stmt.join(Application.case).where(
        Application.submitted_at.is_not(None)  # drafts are the city's alone
    )
    if form.state.data == "offen":
        stmt = stmt.where(Case.state.in_(OPEN_STATES))
    elif form.state.data != "alle":
        stmt = stmt.where(Case.state == form.state.data)
    if form.round.data:
        stmt = stmt.where(Application.round_id == int(form.round.data))
    if form.mine.data:
        stmt = stmt.where(Case.assignee_id == user.id)
    return stmt


def _row(application: Application, revision: int | None, now) -> QueueRow:
    case = application.case
    definition = workflows().get(case.workflow, case.workflow_version)
    submitted = application.submitted_at.astimezone(BERLIN).date()
    return QueueRow(
        application=application,
        revision=revision,
        state_label=label(definition.states[case.state].label),
        age_days=(now.astimezone(BERLIN).date() - submitted).days,
        overdue=case.due_at is not None and case.due_at < now,
    )


@bp.route("/")
@role_required("reviewer")
def queue():
    """The review queue: filter by state, round and assignee, sort by age, page through."""
    form = QueueFilterForm(formdata=request.args)
    form.set_choices(db.session.scalars(select(Round).order_by(Round.opens_on.desc())))
    if not form.validate():
        form.fall_back_to_defaults()
    page = capped_paginate(
        queue_statement(form, current_user),
        queue_filter(select(Application.id), form, current_user),
        per_page=current_app.config["QUEUE_PAGE_SIZE"],
        cap=current_app.config["QUEUE_COUNT_CAP"],
        rows=True,
    )
    now = utcnow()
    rows = [_row(item.Application, item.revision, now) for item in page.items]
    return render_template("review/queue.html", form=form, page=page, rows=rows)
