"""The admin area: its start page; users, municipalities and rounds live in their own modules."""

from flask import render_template
from sqlalchemy import func, select

from ..accounts.models import User
from ..audit import views as _record_views  # noqa: F401 - the Verwaltungsprotokoll, also on bp
from ..auth import role_required
from ..extensions import db
from ..mail import views as _outbox_views  # noqa: F401 - the Postausgang page, also on bp
from ..programme.models import Municipality, Programme, Round
from . import municipalities, rounds, second_factor, users  # noqa: F401 - routes on bp
from .blueprint import bp

__all__ = ["bp"]


@bp.route("/")
@role_required("admin")
def index():
    """The admin start page: what can be managed, with counts."""
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Municipality, Programme, Round)
    }
    return render_template("admin/index.html", counts=counts)
