"""The ministry's payments page: payment orders, the treasury's files, confirmations."""

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth import role_required
from ..clock import now
from ..engine.calendar import BERLIN
from ..extensions import db
from .camt import NotACamt054
from .exports import DebtorNotConfigured, orders_csv, orders_of_day, orders_pain001
from .forms import ConfirmationImportForm
from .models import PaymentOrder
from .operations import import_confirmations

bp = Blueprint("payments", __name__, url_prefix="/zahlungen")
STATUSES = ("open", "confirmed", "all")
PAGE_LIMIT = 200


def _day() -> date | None:
    """Return the day asked for (`tag=YYYY-MM-DD`), today (Berlin) if none, None if malformed."""
    text = request.args.get("tag", "").strip()
    if not text:
        return now().astimezone(BERLIN).date()
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _render(form=None, report=None, status_code=200):
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    query = select(PaymentOrder).options(
        joinedload(PaymentOrder.notice), joinedload(PaymentOrder.call_off)
    )
    if status == "open":
        query = query.where(PaymentOrder.confirmed_at.is_(None))
    elif status == "confirmed":
        query = query.where(PaymentOrder.confirmed_at.is_not(None))
    orders = db.session.scalars(
        query.order_by(PaymentOrder.ordered_on.desc(), PaymentOrder.number.desc()).limit(PAGE_LIMIT)
    ).all()
    day = _day() or now().astimezone(BERLIN).date()
    return (
        render_template(
            "payments/index.html",
            orders=orders,
            status=status,
            day=day,
            form=form or ConfirmationImportForm(),
            report=report,
        ),
        status_code,
    )


@bp.route("/")
@role_required("reviewer")
def index():
    """The payment orders (open or confirmed), the day's exports and the import."""
    return _render()


def _export(kind: str):
    day = _day()
    if day is None:
        flash(_("Bitte geben Sie den Tag im Format JJJJ-MM-TT an."), "error")
        return redirect(url_for(".index"))
    orders = orders_of_day(day)
    if not orders:
        flash(
            _("Am %(day)s wurden keine Zahlungen angeordnet.", day=day.strftime("%d.%m.%Y")), "info"
        )
        return redirect(url_for(".index", tag=day.isoformat()))
    name = f"Auszahlungsanordnungen-{day.isoformat()}"
    if kind == "csv":
        data, mimetype, name = orders_csv(orders), "text/csv; charset=utf-8", f"{name}.csv"
    else:
        try:
            data = orders_pain001(orders)
        except DebtorNotConfigured:
            flash(
                _("Das Konto der Landeshauptkasse ist nicht eingerichtet (PAYMENT_DEBTOR_…)."),
                "error",
            )
            return redirect(url_for(".index", tag=day.isoformat()))
        mimetype, name = "application/xml", f"{name}.pain001.xml"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/export.csv")
@role_required("reviewer")
def export_csv():
    """The payment orders of a day as CSV."""
    return _export("csv")


@bp.route("/export.xml")
@role_required("reviewer")
def export_pain001():
    """The payment orders of a day as an ISO 20022 pain.001 credit transfer."""
    return _export("xml")


@bp.route("/bestaetigungen", methods=["POST"])
@role_required("reviewer")
def import_file():
    """Confirm the payments a camt.054 file reports; show what matched and what did not."""
    form = ConfirmationImportForm()
    upload = form.document.data
    if not form.validate() or not upload or not upload.filename:
        form.document.errors = [_("Bitte wählen Sie die camt.054-Datei der Kasse aus.")]
        return _render(form, status_code=422)
    try:
        report = import_confirmations(current_user, upload.read())
    except NotACamt054 as exc:
        db.session.rollback()
        form.document.errors = [str(exc)]
        return _render(form, status_code=422)
    db.session.commit()
    return _render(report=report)
