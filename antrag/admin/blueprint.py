"""The admin blueprint and the helpers its form pages share."""

from flask import Blueprint, render_template, request

from ..extensions import db

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")
PAGE_SIZE = 50


def form_page(template: str, form, **context):
    """Render a form page: 200 when it is first shown, 422 when a submission was refused."""
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def refused(template: str, form, errors: dict[str, str], **context):
    """Undo the attempt, attach the operation's messages to their fields and re-render (422)."""
    db.session.rollback()
    for name, message in errors.items():
        getattr(form, name).errors.append(message)
    return form_page(template, form, **context)
