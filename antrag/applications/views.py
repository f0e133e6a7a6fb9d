"""Applicant views (filled in by the applications feature)."""

from flask import Blueprint, render_template

from ..auth import role_required

bp = Blueprint("applications", __name__, url_prefix="/antraege")


@bp.route("/")
@role_required("applicant")
def index():
    """The city's applications and the rounds it may apply to."""
    return render_template("applications/index.html")
