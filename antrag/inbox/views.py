"""The inbox pages: one start page per role, claims, stand-ins and the digest setting."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import User
from ..auth import role_required
from ..clock import now as clock_now
from ..engine.calendar import BERLIN
from ..extensions import db
from ..idempotency import forms as once
from ..pagination import CappedPage, requested_page
from . import claims
from .forms import DigestForm, HandOverForm, StandInForm
from .ministry import Filters, InboxFilterForm, inbox_rows
from .models import StandIn
from .others import city_inbox, mentor_inbox
from .page import count_tasks
from .waiting import kinds

bp = Blueprint("inbox", __name__)


def _reviewers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "reviewer", User.active.is_(True)).order_by(User.name)
        )
    )


@bp.route("/eingang/")
@role_required("reviewer", "applicant", "mentor")
def index():
    """The start page: everything waiting for this person (and, in the ministry, the team)."""
    now = clock_now()
    if current_user.role == "applicant":
        from ..applications.views import application_start
        from ..cases.page import state_label

        tasks, following = city_inbox(current_user, now)
        return render_template(
            "inbox/city.html",
            tasks=tasks,
            following=following,
            state_label=state_label,
            **application_start(current_user.municipality),
        )
    if current_user.role == "mentor":
        return render_template("inbox/mentor.html", rows=mentor_inbox(current_user, now))
    return _ministry(now)


def _ministry(now):
    form = InboxFilterForm(formdata=request.args)
    form.set_choices(kinds("reviewer"))
    if not form.validate():
        form.fall_back_to_defaults()
    filters = Filters.of(form)
    today = now.astimezone(BERLIN).date()
    holders = [current_user.id, *claims.stands_for(current_user, today)]
    per_page, cap = current_app.config["QUEUE_PAGE_SIZE"], current_app.config["QUEUE_COUNT_CAP"]
    total = count_tasks(filters, current_user, now, holders, cap)
    number = requested_page()
    rows, has_next = inbox_rows(filters, current_user, now, holders, per_page=per_page, page=number)
    page = CappedPage(
        items=rows,
        page=number,
        per_page=per_page,
        total=min(total, cap),
        more=total > cap,
        has_next=has_next,
    )
    escalated_count = None
    if current_user.lead:
        escalated_count = count_tasks(Filters(escalated=True), current_user, now, holders, cap)
    return render_template(
        "inbox/ministry.html",
        form=form,
        page=page,
        rows=rows,
        reviewers=_reviewers(),
        hand_over=HandOverForm(),
        standing_in_for=holders[1:],
        escalated_count=escalated_count,
    )


def _back():
    return redirect(request.form.get("next") or url_for(".index"))


@bp.route("/eingang/aufgaben/<int:case_id>/uebernehmen", methods=["POST"])
@role_required("reviewer")
def claim(case_id: int):
    """Take a task."""
    claims.claim(current_user, case_id)
    db.session.commit()
    flash(_("Sie haben die Aufgabe übernommen."), "success")
    return _back()


@bp.route("/eingang/aufgaben/<int:case_id>/freigeben", methods=["POST"])
@role_required("reviewer")
def release(case_id: int):
    """Give a task back to the team."""
    claims.release(current_user, case_id, clock_now().astimezone(BERLIN).date())
    db.session.commit()
    flash(_("Die Aufgabe ist wieder für das Team frei."), "success")
    return _back()


@bp.route("/eingang/aufgaben/<int:case_id>/weitergeben", methods=["POST"])
@role_required("reviewer")
def hand_over(case_id: int):
    """Hand a task to a named colleague."""
    form = HandOverForm()
    form.holder.choices = [(u.id, u.name) for u in _reviewers()]
    if not form.validate():
        db.session.rollback()
        raise claims.ClaimRefused(_("Bitte wählen Sie eine aktive Person des Ministeriums."))
    handed = claims.hand_over(
        current_user, case_id, form.holder.data, clock_now().astimezone(BERLIN).date()
    )
    name = handed.holder.name
    db.session.commit()
    flash(_("Die Aufgabe ist an %(name)s weitergegeben.", name=name), "success")
    return _back()


@bp.route("/eingang/vertretungen", methods=["GET", "POST"])
@role_required("reviewer", "admin")
def stand_ins():
    """The stand-ins (Vertretungen): who stands in for whom, and a form to add one."""
    form = StandInForm()
    form.set_people(_reviewers())
    if request.method == "POST":
        if form.validate():
            submission = once.claim()
            try:
                claims.add_stand_in(
                    current_user,
                    form.absent.data,
                    form.stand_in.data,
                    form.starts_on.data,
                    form.ends_on.data,
                )
            except claims.ClaimRefused as exc:
                db.session.rollback()
                for name, message in exc.errors.items():
                    getattr(form, name).errors = [message]
            else:
                target = submission.leads_to(url_for(".stand_ins"))
                db.session.commit()
                flash(_("Die Vertretung ist gespeichert."), "success")
                return redirect(target)
        return _render_stand_ins(form), 422
    return _render_stand_ins(form)


def _render_stand_ins(form):
    today = clock_now().astimezone(BERLIN).date()
    rows = db.session.scalars(
        select(StandIn).where(StandIn.ends_on >= today).order_by(StandIn.starts_on, StandIn.id)
    ).all()
    return render_template("inbox/stand_ins.html", form=form, rows=rows, today=today)


@bp.route("/konto/benachrichtigungen", methods=["GET", "POST"])
@login_required
def notifications():
    """The account's mail settings: the daily digest of the inbox (opt-out)."""
    if current_user.role not in ("reviewer", "applicant", "mentor"):
        abort(403)
    form = DigestForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("inbox/notifications.html", form=form), 422
        current_user.digest_opt_out = not form.digest.data
        db.session.commit()
        flash(_("Ihre Einstellung ist gespeichert."), "success")
        return redirect(url_for(".notifications"))
    form.digest.data = not current_user.digest_opt_out
    return render_template("inbox/notifications.html", form=form)
