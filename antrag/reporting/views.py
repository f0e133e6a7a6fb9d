"""The ministry's reporting pages: the programme dashboard, the exports and the case file.

Reporting belongs to the ministry's clerks (role reviewer) only. The admin runs the system
and sets rounds up (and sees the budget page for that), but the dashboard names cities with
overdue cases and the exports and case files hold personal data of the cities' staff: not
the administrator's business. Everyone else gets 403.
"""

import logging
import tempfile

from flask import Blueprint, Response, abort, render_template, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..auth import load_visible, role_required
from ..formats import format_date, format_money
from ..funding.budget_views import BAR_LABELS
from ..i18n import label as translate
from . import casefile, charts, exports, queries, tables

logger = logging.getLogger(__name__)
bp = Blueprint("reporting", __name__, url_prefix="/auswertung")
ROLES = ("reviewer",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _helpers() -> dict:
    """Let templates ask whether the current user may download a case file."""
    return {"may_download_casefile": casefile.may_download}


def _days(value: float | None) -> str:
    """Return a duration in days with one decimal in the current locale (`2,5`)."""
    return "–" if value is None else format_decimal(value, format="#,##0.0")


def _state_chart(labels: dict, table: list) -> object:
    """Return the chart of applications per state, one bar per round."""
    series = [counts.round.name for counts in table]
    rows = [
        charts.Row(
            translate(label),
            tuple(c.counts[s] for c in table),
            tuple(str(c.counts[s]) for c in table),
        )
        for s, label in labels.items()
    ]
    description = "; ".join(
        f"{c.round.name}: "
        + ", ".join(f"{translate(labels[s])} {n}" for s, n in c.counts.items() if n)
        for c in table
    )
    return charts.bar_chart(
        "chart-states",
        _("Anträge je Status und Runde"),
        description or _("Keine Anträge."),
        rows,
        series or [_("Anträge")],
    )


def _stage_chart(workflow) -> object:
    """Return the chart of the median and 90th percentile per stage of one workflow."""
    rows = [
        charts.Row(
            translate(stage.label),
            (stage.median_days or 0, stage.p90_days or 0),
            (_days(stage.median_days), _days(stage.p90_days)),
        )
        for stage in workflow.stages
    ]
    description = "; ".join(
        _(
            "%(state)s: Median %(median)s Tage, 90. Perzentil %(p90)s Tage",
            state=translate(s.label),
            median=_days(s.median_days),
            p90=_days(s.p90_days),
        )
        for s in workflow.stages
    )
    return charts.bar_chart(
        f"chart-stages-{workflow.name}",
        _("Verweildauer je Status in Tagen: %(label)s", label=translate(workflow.label)),
        description,
        rows,
        [_("Median"), _("90. Perzentil")],
    )


def _budget_chart(round_, figures: dict) -> object:
    """Return the budget chart of one round, with the budget page's labels."""
    rows = [
        charts.Row(translate(label), (float(figures[key]),), (format_money(figures[key]),))
        for key, label in BAR_LABELS.items()
    ]
    description = "; ".join(
        f"{translate(label)}: {format_money(figures[key])}" for key, label in BAR_LABELS.items()
    )
    return charts.bar_chart(
        f"chart-budget-{round_.id}",
        _("Haushalt %(name)s", name=round_.name),
        description,
        rows,
        [_("Betrag")],
    )


def _members_chart(points: list) -> object:
    """Return the step chart of member cities over time."""
    description = "; ".join(f"{format_date(day)}: {count}" for day, count in points)
    return charts.step_chart(
        "chart-members",
        _("Mitgliedsstädte im Zeitverlauf"),
        description or _("Noch keine Mitgliedsstädte."),
        points,
        format_date,
    )


@bp.route("/")
@role_required(*ROLES)
def dashboard():
    """The programme dashboard: states, stage durations, overdue cases, budget, members."""
    labels, per_round = queries.applications_per_state()
    stages = queries.time_per_stage()
    budgets = queries.budget_per_round()
    members = queries.members_over_time()
    return render_template(
        "reporting/dashboard.html",
        labels=labels,
        per_round=per_round,
        state_chart=_state_chart(labels, per_round),
        stages=[
            (w, _stage_chart(w) if any(s.completed for s in w.stages) else None) for w in stages
        ],
        overdue=queries.overdue_cases(),
        budgets=[(r, f, _budget_chart(r, f)) for r, f in budgets],
        budget_labels=BAR_LABELS,
        members=members,
        members_chart=_members_chart(members),
        export_titles=tables.TITLES,
        days=_days,
    )


def _table(kind: str) -> exports.Table:
    """Return the export called `kind`, or 404."""
    build = tables.EXPORTS.get(kind)
    if build is None:
        abort(404)
    logger.info("Export %s by user %s", kind, current_user.id)
    return build()


@bp.route("/export/<kind>.csv")
@role_required(*ROLES)
def export_csv(kind: str):
    """One export as CSV for German Excel."""
    table = _table(kind)
    return Response(
        exports.to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={table.name}.csv"},
    )


@bp.route("/export/<kind>.xlsx")
@role_required(*ROLES)
def export_xlsx(kind: str):
    """One export as an XLSX workbook."""
    table = _table(kind)
    return Response(
        exports.to_xlsx(table),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={table.name}.xlsx"},
    )


@bp.route("/akten/<int:application_id>")
@role_required(*ROLES)
def casefile_zip(application_id: int):
    """The case file (Akte) of one application as a ZIP download."""
    application = load_visible(Application, application_id)
    if not casefile.may_download(current_user):
        abort(403)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after sending
    try:
        casefile.write(application, target, current_user)
    except Exception:
        target.close()
        raise
    target.seek(0)
    name = f"Akte-{application.municipality.ags}-{application.id}.zip"
    return send_file(target, mimetype="application/zip", as_attachment=True, download_name=name)
