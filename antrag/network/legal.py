"""The legal pages (imprint, privacy, accessibility statement), the barrier report form and its list."""

from datetime import date
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth import role_required
from ..extensions import db
from ..i18n import current_language
from ..idempotency import forms as once
from ..input_text import problem_msgid
from ..limits import public
from .blueprint import bp
from .forms import FeedbackForm
from .models import AccessibilityFeedback
from .operations import record_feedback
from .retention import FEEDBACK_RETENTION_DAYS

FEEDBACK_LIST_SIZE = 200
# The article of the noun an operator's name starts with, so that the name can begin a German
# sentence ("Das Ministerium des Innern und für Sport Rheinland-Pfalz ist bemüht, …");
# for any other name the setting OPERATOR_NAME_WITH_ARTICLE gives the whole subject.
ARTICLES = {
    "Ministerium": "Das",
    "Landesamt": "Das",
    "Staatskanzlei": "Die",
    "Stadtverwaltung": "Die",
    "Kreisverwaltung": "Die",
    "Verbandsgemeindeverwaltung": "Die",
}


@bp.route("/impressum")
def imprint():
    """The imprint (Impressum) with the operator's data from the configuration."""
    return render_template("network/imprint.html")


@bp.route("/datenschutz")
def privacy():
    """The privacy notice (Datenschutzerklärung)."""
    return render_template("network/privacy.html", feedback_days=FEEDBACK_RETENTION_DAYS)


@bp.route("/barrierefreiheit")
def accessibility():
    """The accessibility statement (Erklärung zur Barrierefreiheit) after the EU model."""
    prepared_on = date.fromisoformat(current_app.config["ACCESSIBILITY_STATEMENT_DATE"])
    return render_template(
        "network/accessibility.html",
        prepared_on=prepared_on,
        operator=operator_subject(current_app.config, current_language()),
    )


def operator_subject(config, language: str) -> str:
    """Return the operator's name as the subject of the statement's first sentence.

    German needs the article ("Das Ministerium … ist bemüht"); English keeps the proper name.
    """
    name = config["OPERATOR_NAME"]
    if language != "de":
        return name
    if config.get("OPERATOR_NAME_WITH_ARTICLE"):
        return config["OPERATOR_NAME_WITH_ARTICLE"]
    article = ARTICLES.get(name.split(" ", 1)[0])
    return f"{article} {name}" if article else name


@bp.route("/barrierefreiheit/barriere-melden", methods=["GET", "POST"])
def feedback():
    """The form for reporting a barrier; the report is stored and mailed to the contact."""
    form = FeedbackForm()
    if request.method == "GET":
        form.page_url.data = _reported_page()
        return render_template("network/feedback.html", form=form)
    if public.is_bot("barrier_report"):
        return _thanks()  # answered like a report; nothing is stored
    if not form.validate():
        return render_template("network/feedback.html", form=form), 422
    submission = once.claim()
    public.limit(
        "barrier_report",
        form.email.data,
        contact=current_app.config["ACCESSIBILITY_CONTACT_EMAIL"],
    )
    record_feedback(
        current_user,
        page_url=form.page_url.data,
        description=form.description.data,
        name=form.name.data,
        email=form.email.data,
    )
    submission.leads_to(url_for(".accessibility"))
    db.session.commit()
    return _thanks()


def _thanks():
    """Thank the person and return to the accessibility statement."""
    flash(
        _(
            "Vielen Dank für Ihre Meldung. Wir prüfen sie und antworten Ihnen, wenn Sie eine "
            "E-Mail-Adresse angegeben haben."
        ),
        "success",
    )
    return redirect(url_for(".accessibility"))


def _reported_page() -> str | None:
    """Return the page the report is about: the `seite` parameter or the Referer, if local."""
    for candidate in (request.args.get("seite"), request.referrer):
        local = _local_path(candidate)
        if local:
            return local
    return None


def _local_path(url: str | None) -> str | None:
    """Return the path (with query) of a URL of this site, or None for anything else."""
    if not url or len(url) > 500 or problem_msgid(url, multiline=False):
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    if parts.path == url_for(".feedback"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/verwaltung/barrieremeldungen")
@role_required("admin")
def feedback_list():
    """The administration's list of barrier reports, newest first."""
    total = db.session.scalar(select(func.count()).select_from(AccessibilityFeedback))
    reports = db.session.scalars(
        select(AccessibilityFeedback)
        .order_by(AccessibilityFeedback.created_at.desc(), AccessibilityFeedback.id.desc())
        .limit(FEEDBACK_LIST_SIZE)
    ).all()
    return render_template("network/feedback_list.html", reports=reports, total=total)
