"""The public landing page (`/` for visitors): what Antrag is, the next meeting, the members."""

from flask import render_template
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from .queries import members


def landing_page():
    """Render the landing page: the next Netzwerktreffen and how many cities are members."""
    from ..meetings.models import Meeting

    meeting = db.session.scalar(
        select(Meeting).where(Meeting.starts_at > utcnow()).order_by(Meeting.starts_at).limit(1)
    )
    return render_template("network/landing.html", meeting=meeting, member_count=len(members()))
