"""The list of a workflow-driven resource: filters, sort, `changed_since` and the sync cursor.

Two ways through a list:

* pages (`page`, the default sort `-updated_at`: last changed first), for people and
  overviews; a change between two pages may shift items from one page to the next;
* a sync (`sort=updated_at`: ascending by the case's `updated_at`, then `id`), for
  integrators: each answer's `next` link carries a cursor `after=<updated_at>,<id>` of its
  last item (keyset pagination), and the next page holds what comes strictly after it. An
  item changed while the client pages gets a later `updated_at`, so it is seen once more,
  later, in its new state; nothing unchanged is skipped or repeated.

The case's `updated_at` is taken when a transaction writes, not when it commits. A sync
therefore leaves out the last `API_SYNC_SETTLE_SECONDS`: a change still being committed
is not passed over by a cursor taken meanwhile (it shows up on a later request).
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from .. import engine
from ..clock import now
from ..engine.models import Case
from ..extensions import db
from ..routing import MAX_ID
from .inputs import pagination, query_int
from .problems import invalid

SORTS = ("-updated_at", "updated_at")
DEFAULT_SORT = "-updated_at"
MOMENT_HELP = (
    "Bitte geben Sie einen Zeitpunkt nach ISO 8601 mit Zeitzone an, zum Beispiel "
    "„2027-01-31T08:00:00Z“ oder „2027-01-31T09:00:00%2B01:00“ (ein „+“ in der Adresse "
    "als %2B)."
)


def visible_query(resource, user):
    """Return SELECT of the resource joined to its case (and joins), limited to what `user` sees."""
    query = select(resource.model).join(Case, Case.id == resource.model.case_id)
    for target, condition in resource.joins:
        query = query.join(target, condition)
    return query.where(resource.visible(user))


def parse_moment(raw: str) -> datetime | None:
    """Return the aware UTC datetime of an ISO 8601 text with offset, or None."""
    text = raw.strip()
    # An unencoded "+" of the offset arrives as a space: "…T09:00:00 01:00".
    if "T" in text and len(text) > 6 and text[-6] == " " and text[-3] == ":":
        text = f"{text[:-6]}+{text[-5:]}"
    if len(text) > 40 or not text[:4].isdigit():
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value.astimezone(UTC)


def cursor_of(case_updated_at: datetime, object_id: int) -> str:
    """Return the cursor of an item: its case's `updated_at` (UTC, microseconds) and its id."""
    return f"{case_updated_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')},{object_id}"


def _parse_cursor(raw: str):
    moment_text, _, id_text = raw.rpartition(",")
    moment = parse_moment(moment_text) if moment_text else None
    if moment is None or not id_text.isascii() or not id_text.isdigit():
        return None
    object_id = int(id_text)
    return (moment, object_id) if 1 <= object_id <= MAX_ID else None


def _filters(resource, query, errors: dict):
    """Apply the `state`, `round`, `municipality` and `changed_since` filters."""
    state = request.args.get("state")
    if state is not None:
        states = engine.workflows().state_labels(resource.workflow)  # of every version
        if state not in states:
            errors["state"] = "Diesen Status gibt es nicht. Möglich sind: " + ", ".join(states)
        else:
            query = query.where(Case.state == state)
    round_id = query_int("round", errors)
    if round_id is not None:
        query = query.where(resource.round_column == round_id)
    municipality_id = query_int("municipality", errors)
    if municipality_id is not None:
        query = query.where(resource.municipality_column == municipality_id)
    raw = request.args.get("changed_since")
    if raw is not None:
        since = parse_moment(raw)
        if since is None:
            errors["changed_since"] = MOMENT_HELP
        else:
            query = query.where(Case.updated_at >= since)
    return query


def _order(errors: dict):
    """Return (sort, cursor) from the query; the cursor only with the ascending sort."""
    sort = request.args.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        errors["sort"] = "Diese Sortierung gibt es nicht. Möglich sind: " + ", ".join(SORTS)
        sort = DEFAULT_SORT
    raw = request.args.get("after")
    if raw is None:
        return sort, None
    cursor = _parse_cursor(raw)
    if cursor is None:
        errors["after"] = (
            "Bitte übernehmen Sie den Wert aus dem Link „next“ der vorigen Antwort: "
            "Zeitpunkt und Nummer, durch Komma getrennt."
        )
    elif sort != "updated_at":
        errors["after"] = "„after“ gibt es nur zusammen mit „sort=updated_at“."
    if request.args.get("page") not in (None, ""):
        errors["page"] = "Mit „after“ gibt es keine Seitenzahl; folgen Sie dem Link „next“."
    return sort, cursor


def _link(**changes) -> str:
    """Return the URL of this list with the query changed (None removes a parameter)."""
    args = request.args.to_dict() | changes
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def list_view(resource):
    """Return one page of the resource's list, with a `next` link while more follow."""
    page, per_page = pagination()
    errors: dict[str, str] = {}
    sort, cursor = _order(errors)
    query = _filters(resource, visible_query(resource, current_user), errors)
    if errors:
        raise invalid(errors)
    model = resource.model
    if sort == "updated_at":
        settle = timedelta(seconds=current_app.config["API_SYNC_SETTLE_SECONDS"])
        query = query.where(Case.updated_at <= now() - settle)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if sort == "updated_at":
        if cursor is not None:
            moment, after_id = cursor
            query = query.where(
                or_(Case.updated_at > moment, and_(Case.updated_at == moment, model.id > after_id))
            )
        query = query.order_by(Case.updated_at, model.id)
        offset = 0 if cursor is not None else (page - 1) * per_page
    else:
        query = query.order_by(Case.updated_at.desc(), model.id.desc())
        offset = (page - 1) * per_page
    rows = db.session.scalars(query.limit(per_page + 1).offset(offset)).unique().all()
    more, rows = len(rows) > per_page, rows[:per_page]
    next_link = None
    if more and sort == "updated_at":
        last = rows[-1]
        next_link = _link(after=cursor_of(last.case.updated_at, last.id), page=None)
    elif more:
        next_link = _link(page=str(page + 1))
    links = resource.links(rows, current_user) if resource.links else {}
    return jsonify(
        items=[
            resource.represent(r, current_user, detail=False, links=links.get(r.id)) for r in rows
        ],
        page=None if cursor is not None else page,
        per_page=per_page,
        total=total,
        next=next_link,
    )
