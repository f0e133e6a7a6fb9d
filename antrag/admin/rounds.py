"""Admin pages for programmes and their rounds: list, create, edit."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import role_required
from ..extensions import db
from ..idempotency import forms as once
from ..programme.forms import ProgrammeForm, RoundForm
from ..programme.models import Municipality, Programme, Round
from ..programme.operations import (
    ProgrammeError,
    create_programme,
    create_round,
    update_programme,
    update_round,
)
from .blueprint import bp, form_page, refused

ROUND_FORM = "admin/round_form.html"
PROGRAMME_FORM = "admin/programme_form.html"


@bp.route("/runden/")
@role_required("admin")
def rounds():
    """List the programmes with their rounds, dates, amounts and invited municipalities."""
    programmes = db.session.scalars(
        select(Programme)
        .options(selectinload(Programme.rounds).selectinload(Round.invited))
        .order_by(Programme.name)
    ).all()
    return render_template("admin/rounds.html", programmes=programmes)


def _round_form(round_: Round | None) -> RoundForm:
    """Return the round form with its choices, prefilled from `round_` on first display."""
    data = None
    if round_ is not None:
        data = {
            "programme": round_.programme_id,
            "name": round_.name,
            "opens_on": round_.opens_on,
            "closes_on": round_.closes_on,
            "budget": round_.budget,
            "standard_amount": round_.standard_amount,
            "eligibility": round_.eligibility,
            "budget_chapter": round_.budget_chapter or "",
            "budget_title": round_.budget_title or "",
            "invited": [m.id for m in round_.invited],
        }
    form = RoundForm(data=data)
    form.set_choices(
        db.session.scalars(select(Programme).order_by(Programme.name)),
        db.session.scalars(select(Municipality).order_by(Municipality.name)),
    )
    return form


def _round_values(form: RoundForm) -> dict:
    invited = form.invited.data or []
    return {
        "programme": db.session.get(Programme, form.programme.data),
        "name": form.name.data,
        "opens_on": form.opens_on.data,
        "closes_on": form.closes_on.data,
        "budget": form.budget.data,
        "standard_amount": form.standard_amount.data,
        "eligibility": form.eligibility.data,
        "budget_chapter": form.budget_chapter.data,
        "budget_title": form.budget_title.data,
        "invited": db.session.scalars(
            select(Municipality).where(Municipality.id.in_(invited)).order_by(Municipality.name)
        ).all(),
    }


@bp.route("/runden/neu", methods=["GET", "POST"])
@role_required("admin")
def round_new():
    """Open a new round of a programme."""
    form = _round_form(None)
    if not form.validate_on_submit():
        return form_page(ROUND_FORM, form, round=None)
    submission = once.claim()
    try:
        round_ = create_round(current_user, **_round_values(form))
    except ProgrammeError as exc:
        return refused(ROUND_FORM, form, exc.errors, round=None)
    target = submission.leads_to(url_for("admin.rounds"))
    db.session.commit()
    flash(_("Die Runde „%(name)s“ wurde angelegt.", name=round_.name), "success")
    return redirect(target)


@bp.route("/runden/<int:round_id>/bearbeiten", methods=["GET", "POST"])
@role_required("admin")
def round_edit(round_id: int):
    """Change a round."""
    round_ = db.session.get(Round, round_id) or abort(404)
    form = _round_form(round_)
    if not form.validate_on_submit():
        return form_page(ROUND_FORM, form, round=round_)
    try:
        update_round(round_, current_user, **_round_values(form))
    except ProgrammeError as exc:
        return refused(ROUND_FORM, form, exc.errors, round=round_)
    db.session.commit()
    flash(_("Die Runde „%(name)s“ wurde gespeichert.", name=round_.name), "success")
    return redirect(url_for("admin.rounds"))


def _programme_values(form: ProgrammeForm) -> dict:
    return {
        "name": form.name.data,
        "description": form.description.data,
        "guideline_title": form.guideline_title.data,
        "guideline_date": form.guideline_date.data,
    }


@bp.route("/programme/neu", methods=["GET", "POST"])
@role_required("admin")
def programme_new():
    """Create a funding programme."""
    form = ProgrammeForm()
    if not form.validate_on_submit():
        return form_page(PROGRAMME_FORM, form, programme=None)
    submission = once.claim()
    try:
        programme = create_programme(current_user, **_programme_values(form))
    except ProgrammeError as exc:
        return refused(PROGRAMME_FORM, form, exc.errors, programme=None)
    target = submission.leads_to(url_for("admin.rounds"))
    db.session.commit()
    flash(_("Das Programm „%(name)s“ wurde angelegt.", name=programme.name), "success")
    return redirect(target)


@bp.route("/programme/<int:programme_id>/bearbeiten", methods=["GET", "POST"])
@role_required("admin")
def programme_edit(programme_id: int):
    """Change a programme's name, description and funding guideline."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    form = ProgrammeForm(obj=programme)
    if not form.validate_on_submit():
        return form_page(PROGRAMME_FORM, form, programme=programme)
    try:
        update_programme(programme, current_user, **_programme_values(form))
    except ProgrammeError as exc:
        return refused(PROGRAMME_FORM, form, exc.errors, programme=programme)
    db.session.commit()
    flash(_("Das Programm „%(name)s“ wurde gespeichert.", name=programme.name), "success")
    return redirect(url_for("admin.rounds"))
