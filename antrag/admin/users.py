"""Admin pages for user accounts: list, create, edit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.operations import AccountError, create_user, update_user
from ..accounts.problems import new_account_problems
from ..auth import role_required
from ..extensions import db
from ..idempotency import forms as once
from ..programme.models import Municipality
from .blueprint import PAGE_SIZE, bp, form_page, refused
from .forms import UserCreateForm, UserEditForm

FORM = "admin/user_form.html"


def _role_extras(form) -> dict:
    """Return the signing and lead flags and the mentor fields as the operations take them."""
    return {
        "can_sign": form.can_sign.data,
        # Head of unit (the inbox's escalations): a box left ticked for another role is dropped.
        "lead": bool(form.lead.data) and form.role.data == "reviewer",
        "may_represent": form.may_represent.data,
        "represents_as": form.represents_as.data,
        "function": form.function.data or "",
        "unit": form.unit.data or "",
        "phone": form.phone.data or "",
        "mentor_capacity": 0 if form.mentor_capacity.errors else form.capacity(),
        "mentor_topics": form.mentor_topics.data or [],
    }


def _new_account_problems(form) -> dict[str, str]:
    """Return the account operation's messages for what the form holds."""
    return new_account_problems(
        email=form.email.data or "",
        role=form.role.data,
        password=form.password.data or "",
        municipality_ags=form.municipality.data or None,
        **{k: v for k, v in _role_extras(form).items() if k != "can_sign"},
        can_sign=form.can_sign.data,
    )


def _on_fields(form, errors: dict[str, str], default: str) -> dict[str, str]:
    """Return the messages keyed by form fields (one without a field goes to `default`)."""
    placed: dict[str, str] = {}
    for name, message in errors.items():
        placed.setdefault(name if name in form._fields else default, message)
    return placed


def _add_problems(form, errors: dict[str, str]) -> None:
    """Add the operation's messages to the fields the form's own checks let pass."""
    for name, message in _on_fields(form, errors, "email").items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [*field.errors, message]


def _municipalities():
    return db.session.scalars(select(Municipality).order_by(Municipality.name)).all()


@bp.route("/konten/")
@role_required("admin")
def users():
    """List every account with role, municipality or organisation and whether it is active."""
    page = db.paginate(
        select(User).options(joinedload(User.municipality)).order_by(User.role, User.email),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("admin/users.html", page=page)


@bp.route("/konten/neu", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    """Create an account with its role and initial password."""
    form = UserCreateForm()
    form.set_municipalities(_municipalities())
    if not form.validate_on_submit():
        if request.method == "POST":  # the account's own checks too: all in one round trip
            _add_problems(form, _new_account_problems(form))
        return form_page(FORM, form, user=None)
    submission = once.claim()
    try:
        user = create_user(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            municipality_ags=form.municipality.data or None,
            organisation=(form.organisation.data or "").strip() or None,
            actor=current_user,
            **_role_extras(form),
        )
    except AccountError as exc:
        return refused(FORM, form, _on_fields(form, exc.errors, "email"), user=None)
    target = submission.leads_to(url_for("admin.users"))
    db.session.commit()
    flash(_("Das Konto für %(email)s wurde angelegt.", email=user.email), "success")
    return redirect(target)


@bp.route("/konten/<int:user_id>/bearbeiten", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int):
    """Change an account's name, role, municipality, organisation, active flag or password."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(
        data={
            "name": user.name,
            "role": user.role,
            "municipality": user.municipality.ags if user.municipality else "",
            "organisation": user.organisation or "",
            "active": user.active,
            "can_sign": user.can_sign,
            "lead": user.lead,
            "may_represent": user.may_represent,
            "represents_as": user.represents_as or "",
            "function": user.function or "",
            "unit": user.unit or "",
            "phone": user.phone or "",
            "mentor_capacity": str(user.mentor_capacity),
            "mentor_topics": [t for t in user.mentor_topics.split(",") if t],
        }
    )
    form.set_municipalities(_municipalities())
    if not form.validate_on_submit():
        return form_page(FORM, form, user=user)
    try:
        update_user(
            user,
            current_user,
            name=form.name.data,
            role=form.role.data,
            municipality_ags=form.municipality.data or None,
            organisation=(form.organisation.data or "").strip() or None,
            active=form.active.data,
            password=form.password.data or None,
            **_role_extras(form),
        )
    except AccountError as exc:
        return refused(FORM, form, _on_fields(form, exc.errors, "name"), user=user)
    db.session.commit()
    flash(_("Das Konto %(email)s wurde gespeichert.", email=user.email), "success")
    return redirect(url_for("admin.users"))
