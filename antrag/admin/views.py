"""Admin views (filled in by the admin feature)."""

from flask import Blueprint, render_template

from ..auth import role_required

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


@bp.route("/")
@role_required("admin")
def index():
    """The admin start page."""
    return render_template("admin/index.html")
