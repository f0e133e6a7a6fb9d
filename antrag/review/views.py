"""Reviewer views (filled in by the review feature)."""

from flask import Blueprint, render_template

from ..auth import role_required

bp = Blueprint("review", __name__, url_prefix="/pruefung")


@bp.route("/")
@role_required("reviewer")
def queue():
    """The review queue."""
    return render_template("review/queue.html")
