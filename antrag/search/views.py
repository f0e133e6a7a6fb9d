"""The ministry's search page (`/suche`): applications, notices and messages, by kind.

Only the ministry's reviewers search: the search reads every city's case data, which an
admin (who manages accounts and rounds) does not read, nor a mentor or a city. Drafts
never appear (they are the city's alone); internal notes appear, as reviewers write them.
"""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import role_required
from ..extensions import db
from ..pagination import CappedPage, requested_page
from .documents import MODELS
from .models import KINDS
from .queries import clean_query, counts, search

bp = Blueprint("search", __name__)

KIND_LABELS = {
    "application": _l("Anträge"),
    "funding_notice": _l("Förderbescheide"),
    "rejection_notice": _l("Ablehnungsbescheide"),
    "amendment_notice": _l("Änderungsbescheide"),
    "reclaim": _l("Rückforderungen"),
    "message": _l("Nachrichten"),
}


def _may_see(user, hit) -> bool:
    """Ask the record itself once more, so that the index can never show too much."""
    from ..messages.rules import may_read, sees_internal

    record = db.session.get(MODELS[hit.document.kind], hit.document.ref_id)
    if record is None:
        return False
    if hit.document.kind != "message":
        return record.can_view(user)
    from ..engine.core import subject_of

    return may_read(user, subject_of(record.case)) and (not record.internal or sees_internal(user))


def link(document) -> str:
    """Return the page of a found record (a message: its case's conversation)."""
    if document.kind == "message":
        return url_for("messages.conversation", case_id=document.case_id) + "#nachrichten"
    record = db.session.get(MODELS[document.kind], document.ref_id)
    return url_for(record.ENDPOINT, **record.url_values())


@bp.route("/suche")
@role_required("reviewer")
def results():
    """Search the ministry's records; results grouped by kind, with a snippet and a link."""
    query = clean_query(request.args.get("q"))
    kind = request.args.get("art") if request.args.get("art") in KINDS else None
    per_page = current_app.config["SEARCH_PAGE_SIZE"]
    found, hits, page = {}, [], None
    if query:
        found = counts(query, sees_internal=True)
        total = found.get(kind, 0) if kind else sum(found.values())
        number = min(requested_page(), max(1, -(-total // per_page)))
        offset = (number - 1) * per_page
        hits = search(query, kind=kind, sees_internal=True, offset=offset, limit=per_page)
        hits = [hit for hit in hits if _may_see(current_user, hit)]
        page = CappedPage(hits, number, per_page, total, False, offset + per_page < total)
    args = {"q": query} | ({"art": kind} if kind else {})
    return render_template(
        "search/results.html",
        query=query,
        kind=kind,
        found=found,
        hits=hits,
        page=page,
        args=args,
        labels=KIND_LABELS,
        link=link,
    )
