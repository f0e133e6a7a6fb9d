"""Pages of funding notices, their call-offs of funds and proofs of use."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth import load_visible, role_required
from ..cases.actions import fire_notice_posted, fire_posted
from ..cases.page import action_error_items, build_case_view, state_label
from ..engine.errors import InvalidInput, WrongState
from ..engine.models import Case
from ..extensions import db
from ..idempotency import forms as once
from ..notices.models import RejectionNotice
from ..notices.retrieval import retrieve_on_download
from . import storage
from .call_off_rules import may_call_off
from .forms import CallOffForm
from .models import CallOff, FundingNotice, ProofOfUse
from .operations import request_call_off
from .rules import called_off, ordered, paid

bp = Blueprint("funding", __name__, url_prefix="/bescheide")


@bp.app_template_global()
def funding_notice_of(application) -> FundingNotice | None:
    """Return the notice of an application, if one was drafted."""
    return db.session.scalar(select(FundingNotice).filter_by(application_id=application.id))


@bp.app_template_global()
def notice_conditions() -> str:
    """Return how notices name their general conditions (ANBest-K, version and date)."""
    from ..letters.anbest import configured

    return configured().named


@bp.route("/")
@role_required("reviewer", "applicant")
def index():
    """All notices for the ministry; the city's own notices for a city."""
    query = select(FundingNotice).order_by(FundingNotice.created_at.desc(), FundingNotice.id.desc())
    query = _visible(query, FundingNotice)
    notices = db.session.scalars(query).all()
    ids = [n.id for n in notices]
    proofs = {
        p.notice_id: p
        for p in db.session.scalars(select(ProofOfUse).where(ProofOfUse.notice_id.in_(ids)))
    }
    open_call_offs = dict(
        db.session.execute(
            select(CallOff.notice_id, func.count())
            .join(Case, Case.id == CallOff.case_id)
            .where(CallOff.notice_id.in_(ids), Case.state.in_(("requested", "checked")))
            .group_by(CallOff.notice_id)
        ).all()
    )
    rejections = select(RejectionNotice).order_by(
        RejectionNotice.created_at.desc(), RejectionNotice.id.desc()
    )
    rejections = _visible(rejections, RejectionNotice)
    return render_template(
        "funding/index.html",
        notices=notices,
        rejections=db.session.scalars(rejections).all(),
        proofs=proofs,
        open_call_offs=open_call_offs,
        state_label=state_label,
    )


def _visible(query, model):
    """Limit a list of notices to those the current user may see (`NoticeToCity.visible_to`)."""
    return query.join(Case, Case.id == model.case_id).where(model.visible_to(current_user))


@bp.route("/<int:notice_id>")
@login_required
def notice(notice_id: int):
    """The notice's case page with its figures, call-offs and proof of use."""
    return _render_notice(load_visible(FundingNotice, notice_id))


@bp.route("/<int:notice_id>/aktion", methods=["POST"])
@login_required
def notice_act(notice_id: int):
    """Fire one action of the notice (issue, retrieve, waive appeal, record an action).

    The waiver needs the declaration confirmed and records the function in which the
    declaring person represents the city (see `may_represent_city`).
    """
    found = load_visible(FundingNotice, notice_id)
    return fire_notice_posted(
        found,
        _render_notice,
        url_for(".notice", notice_id=found.id),
        url_for(".notice_pdf", notice_id=found.id),
    )


@bp.route("/<int:notice_id>/pdf")
@login_required
def notice_pdf(notice_id: int):
    """Send the issued notice as a PDF download."""
    found = load_visible(FundingNotice, notice_id)
    retrieve_on_download(found)
    path = storage.notice_pdf_path(found)
    if path is None or not path.is_file():
        abort(404)
    name = f"Foerderbescheid-{found.file_reference}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/<int:notice_id>/vorschau.pdf")
@login_required
def notice_preview(notice_id: int):
    """The drafted notice as it would be issued, marked "Entwurf": not sealed, not stored."""
    from ..law.courts import NoCompetentCourt
    from ..letters import render_funding_notice

    found = load_visible(FundingNotice, notice_id)
    if found.case.state != "drafted":
        abort(404)
    if not found.can_sign_draft(current_user):
        abort(403)
    try:
        data = render_funding_notice(found, current_user, draft=True)
    except NoCompetentCourt:
        flash(_("Für den Entwurf ist kein zuständiges Verwaltungsgericht bekannt."), "error")
        return redirect(url_for(".notice", notice_id=found.id))
    name = f"Entwurf-Foerderbescheid-{found.file_reference}.pdf"
    response = send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:notice_id>/abrufe", methods=["POST"])
@role_required("applicant")
def request_call_off_view(notice_id: int):
    """Request a call-off of funds against the notice."""
    found = load_visible(FundingNotice, notice_id)
    form = CallOffForm()
    if not form.validate():
        return _render_notice(found, call_off_form=form), 422
    submission = once.claim()
    try:
        call_off = request_call_off(current_user, found, form.amount.data, form.note.data)
    except InvalidInput as exc:
        db.session.rollback()
        form.amount.errors = [exc.errors["amount"]]
        return _render_notice(db.session.get(FundingNotice, notice_id), call_off_form=form), 422
    except WrongState as exc:  # no account, proof submitted, notice not final: say why
        db.session.rollback()
        flash(exc.message, "error")
        return _render_notice(db.session.get(FundingNotice, notice_id), call_off_form=form), 422
    target = submission.leads_to(url_for(".call_off", call_off_id=call_off.id))
    db.session.commit()
    flash(_("Der Mittelabruf wurde an das Ministerium übermittelt."), "success")
    return redirect(target)


@bp.route("/abrufe/<int:call_off_id>")
@login_required
def call_off(call_off_id: int):
    """The case page of a call-off of funds."""
    return _render_call_off(load_visible(CallOff, call_off_id))


@bp.route("/abrufe/<int:call_off_id>/aktion", methods=["POST"])
@login_required
def call_off_act(call_off_id: int):
    """Fire one action of a call-off (check, release, refuse, withdraw)."""
    found = load_visible(CallOff, call_off_id)
    return fire_posted(found, _render_call_off, url_for(".call_off", call_off_id=found.id))


def case_view(subject, failed):
    """Return the case view of `subject` with the failed action's errors (if any)."""
    view = build_case_view(subject.case, current_user, subject)
    if failed:
        failed["summary"] = action_error_items(view, failed["trigger"], failed["errors"])
    return view


def _render_notice(found: FundingNotice, failed=None, call_off_form=None):
    """Render the notice page."""
    called = called_off(found)
    figures = {
        "approved": found.amount,
        "called_off": called,
        "ordered": ordered(found),
        "paid": paid(found),
        "left": found.amount - called,
    }
    proof_row = db.session.scalar(select(ProofOfUse).filter_by(notice_id=found.id))
    return render_template(
        "funding/notice.html",
        notice=found,
        case_view=case_view(found, failed),
        failed=failed,
        figures=figures,
        may_call_off=may_call_off(current_user, found),
        call_off_form=call_off_form or CallOffForm(),
        proof=proof_row,
        state_label=state_label,
    )


def _render_call_off(found: CallOff, failed=None):
    """Render the call-off page."""
    return render_template(
        "funding/call_off.html", call_off=found, case_view=case_view(found, failed), failed=failed
    )


from . import proof_views  # noqa: E402,F401 - the proof-of-use pages, on this blueprint
