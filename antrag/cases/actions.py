"""Firing a workflow action posted from a case page, the same way for every workflow."""

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import engine
from ..engine.errors import InvalidInput, StaleVersion, WrongState
from ..extensions import db
from ..i18n import label
from ..routing import parse_id
from ..security import security_event

# Form fields of a transition's declared inputs are named `input_<name>` (case/actions.html).
INPUT_PREFIX = "input_"


def posted_version(raw) -> int:
    """Return the case version a form was rendered with; a missing or bad one is a 400."""
    version = parse_id(raw)  # a version counts from 1 in an integer column, like an id
    if version is None:
        abort(400)
    return version


def fire_posted(subject, render, success_url: str, inputs: dict | None = None):
    """Fire the posted trigger on the subject's case as the current user.

    Declared inputs come from the form fields `input_<name>`, besides what the view passes
    in `inputs` (which wins). A missing required input re-renders the page through `render(subject, failed=…)` with
    status 422 and the typed comment kept; other refusals go to the central error pages.
    On success the request commits once and redirects to `success_url`.
    """
    trigger = request.form.get("trigger", "")
    if not trigger:
        abort(400)
    version = posted_version(request.form.get("version"))
    comment = request.form.get("comment")
    typed = {
        key.removeprefix(INPUT_PREFIX): value
        for key, value in request.form.items()
        if key.startswith(INPUT_PREFIX)
    }
    inputs = typed | (inputs or {}) if typed or inputs is not None else None
    try:
        ctx = engine.fire(
            subject.case_id,
            trigger,
            current_user,
            version=version,
            comment=comment,
            inputs=inputs,
            subject=subject,
        )
    except InvalidInput as exc:
        db.session.rollback()
        subject = db.session.get(type(subject), subject.id)
        failed = {"trigger": trigger, "errors": exc.errors, "comment": comment or ""}
        failed["inputs"] = typed
        return render(subject, failed=failed), 422
    except (StaleVersion, WrongState) as exc:
        db.session.rollback()
        security_event("transition_refused", outcome="refused", reason=exc.code, status=409)
        subject = db.session.get(type(subject), subject.id)
        failed = {"trigger": trigger, "errors": {}, "comment": comment or "", "inputs": typed}
        failed["conflict"] = exc.message
        return render(subject, failed=failed), 409
    db.session.commit()
    new_state = label(ctx.definition.states[ctx.transition.dest].label)
    flash(
        _(
            "„%(action)s“ ist erledigt. Neuer Status: %(state)s.",
            action=label(ctx.transition.label),
            state=new_state,
        ),
        "success",
    )
    return redirect(success_url)


def fire_notice_posted(notice, render, page_url: str, pdf_url: str):
    """Fire the posted action of a notice to a city (funding, rejection, amendment notice).

    The waiver of the right of action needs the declaration confirmed and records the
    function in which the declaring person represents the city (see `may_represent_city`);
    retrieving a notice provided for retrieval is downloading it, so it leads to the PDF.
    """
    inputs = None
    if request.form.get("trigger") == "waive_appeal" and current_user.may_represent:
        if request.form.get("confirm_waiver") != "y":
            message = _("Bitte bestätigen Sie die Verzichtserklärung.")
            failed = {"trigger": "waive_appeal", "errors": {"confirm_waiver": message}}
            failed["comment"] = request.form.get("comment", "")
            return render(notice, failed=failed), 422
        inputs = {"represents_as": current_user.represents_as}
    target = pdf_url if request.form.get("trigger") == "retrieve" else page_url
    return fire_posted(notice, render, target, inputs)
