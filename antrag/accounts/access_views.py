"""Pages of access requests: the waiting page of a pending account, and the decision page
where the city's own accounts or the ministry confirm or refuse a new account."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField, ValidationError

from ..applications.queries import applications_of
from ..auth import load_visible, role_required
from ..cases.page import state_label
from ..extensions import db
from ..fields import AppForm
from .access_requests import (
    MINISTRY_ROLES,
    AccessRequest,
    AlreadyDecided,
    city_accounts,
    confirm,
    open_requests,
    refuse,
    request_of,
)
from .models import PENDING
from .operations import AccountError

bp = Blueprint("access", __name__)
DECIDERS = ("applicant", *MINISTRY_ROLES)


class DecisionForm(AppForm):
    """Confirm or refuse; the ministry must state that it checked the person another way."""

    decision = StringField()
    risk_acknowledged = BooleanField(
        _l(
            "Ich habe auf anderem Weg geprüft (zum Beispiel über die Stadtverwaltung), dass diese "
            "Person für die Kommune handeln darf. Mir ist bewusst, dass ihre Adresse aus einem "
            "öffentlichen, ungeprüften Formular stammt und das Konto nach der Bestätigung alle "
            "Vorgänge der Kommune sieht, auch Entwürfe."
        )
    )

    def validate_decision(self, field) -> None:
        if field.data not in ("confirm", "refuse"):
            raise ValidationError(_l("Bitte bestätigen oder lehnen Sie ab."))


@bp.app_template_global()
def open_access_requests() -> list[AccessRequest]:
    """Return the requests the current person may decide (for the start pages)."""
    if not current_user.is_authenticated or current_user.role not in DECIDERS:
        return []
    return open_requests(current_user)


@bp.route("/konto/bestaetigung")
@role_required(PENDING)
def waiting():
    """The only page of a pending account: it waits for confirmation."""
    return render_template("accounts/waiting.html", access_request=request_of(current_user))


@bp.route("/zugangsanfragen/")
@role_required(*DECIDERS)
def requests():
    """The open requests the current person may decide."""
    return render_template("accounts/access_requests.html", requests=open_access_requests())


@bp.route("/zugangsanfragen/<int:request_id>", methods=["GET", "POST"])
@role_required(*DECIDERS)
def request_page(request_id: int):
    """One request with the municipality's accounts and applications, and the decision."""
    found = load_visible(AccessRequest, request_id)
    form = DecisionForm()
    if request.method == "GET":
        return _page(found, form)
    if not form.validate_on_submit():
        return _page(found, form), 422
    try:
        if form.decision.data == "confirm":
            confirm(found, current_user, risk_acknowledged=form.risk_acknowledged.data)
            message = _("%(name)s hat jetzt Zugang zu %(municipality)s.")
        else:
            refuse(found, current_user)
            message = _("Die Zugangsanfrage von %(name)s für %(municipality)s wurde abgelehnt.")
    except AccountError as exc:
        db.session.rollback()
        target = form.risk_acknowledged if exc.field == "risk_acknowledged" else form.decision
        target.errors = [str(exc)]
        status = 409 if isinstance(exc, AlreadyDecided) else 422
        return _page(db.session.get(AccessRequest, request_id), form), status
    names = {"name": found.user.name, "municipality": found.municipality.name}
    db.session.commit()
    flash(message % names, "success")
    return redirect(url_for(".requests"))


def _page(found: AccessRequest, form: DecisionForm):
    """Render the decision page of a request."""
    return render_template(
        "accounts/access_request.html",
        access_request=found,
        form=form,
        ministry=current_user.role in MINISTRY_ROLES,
        accounts=city_accounts(found.municipality_id),
        applications=applications_of(found.municipality_id),
        state_label=state_label,
    )
