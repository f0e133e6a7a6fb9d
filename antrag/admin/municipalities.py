"""Admin pages for municipalities: list, create, edit."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth import role_required
from ..extensions import db
from ..idempotency import forms as once
from ..programme.forms import MunicipalityForm
from ..programme.models import Municipality
from ..programme.operations import ProgrammeError, create_municipality, update_municipality
from .blueprint import PAGE_SIZE, bp, form_page, refused

FORM = "admin/municipality_form.html"


def _values(form: MunicipalityForm) -> dict:
    return {
        "ags": form.ags.data,
        "name": form.name.data,
        "kind": form.kind.data,
        "is_city": form.is_city.data,
        "population": form.population.data,
        "head_title": form.head_title.data,
        "street": form.street.data,
        "postal_code": form.postal_code.data,
        "town": form.town.data,
        "iban": form.iban.data,
        "bic": form.bic.data,
        "account_holder": form.account_holder.data,
    }


@bp.route("/kommunen/")
@role_required("admin")
def municipalities():
    """List the municipalities by name with key, kind and population."""
    page = db.paginate(
        select(Municipality).order_by(Municipality.name), per_page=PAGE_SIZE, error_out=False
    )
    return render_template("admin/municipalities.html", page=page)


@bp.route("/kommunen/neu", methods=["GET", "POST"])
@role_required("admin")
def municipality_new():
    """Add a municipality."""
    form = MunicipalityForm(data={"is_city": True})
    if not form.validate_on_submit():
        return form_page(FORM, form, municipality=None)
    submission = once.claim()
    try:
        municipality = create_municipality(current_user, **_values(form))
    except ProgrammeError as exc:
        return refused(FORM, form, exc.errors, municipality=None)
    target = submission.leads_to(url_for("admin.municipalities"))
    db.session.commit()
    flash(
        _("%(name)s (%(ags)s) wurde angelegt.", name=municipality.name, ags=municipality.ags),
        "success",
    )
    return redirect(target)


@bp.route("/kommunen/<int:municipality_id>/bearbeiten", methods=["GET", "POST"])
@role_required("admin")
def municipality_edit(municipality_id: int):
    """Change a municipality."""
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    form = MunicipalityForm(obj=municipality)
    if not form.validate_on_submit():
        return form_page(FORM, form, municipality=municipality)
    try:
        update_municipality(municipality, current_user, **_values(form))
    except ProgrammeError as exc:
        return refused(FORM, form, exc.errors, municipality=municipality)
    db.session.commit()
    flash(_("%(name)s wurde gespeichert.", name=municipality.name), "success")
    return redirect(url_for("admin.municipalities"))
