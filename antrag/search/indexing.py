"""Keeping the search documents current, in the same transaction as the records they describe.

The text of a document is composed from several tables (the city's name, the projects of an
application, the case of a message), so it is composed here, from the ORM, after each flush:
every record the flush wrote, changed or deleted gets its document rewritten (or removed)
on the flush's own connection. A rollback therefore takes the document with it. Writers
that bypass the ORM (bulk loads) call `rebuild()` afterwards (`flask search rebuild`).
The full-text index over the documents is the database's own and follows them by itself
(see `schema.py`).
"""

import functools
import logging

from sqlalchemy import bindparam, delete, event, insert, select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from ..applications.models import Project
from ..db_types import utcnow
from ..programme.models import Municipality
from .documents import KIND_OF, MODELS, Text, application_text, message_text, notice_text
from .models import SearchDocument

logger = logging.getLogger(__name__)
PENDING = "search_pending"
# Documents of records this flush inserted: there is nothing to delete first.
FRESH = "search_fresh"
TABLE = SearchDocument.__table__


def _keys(obj) -> list[tuple[str, int]]:
    """Return the documents a change of `obj` touches, as (kind, id)."""
    kind = KIND_OF.get(type(obj))
    if kind is not None:
        return [(kind, obj.id)]
    if isinstance(obj, Project) and obj.application_id is not None:
        return [("application", obj.application_id)]
    if isinstance(obj, Municipality):
        return [("municipality", obj.id)]
    return []


def _subject_of_case(case):
    from ..engine.core import subject_of

    try:
        return subject_of(case)
    except (NoResultFound, KeyError):
        return None


def text_of(kind: str, record) -> Text:
    """Return the searchable text of a record of `kind`."""
    if kind == "application":
        return application_text(record)
    if kind == "message":
        return message_text(record, _subject_of_case(record.case))
    return notice_text(kind, record)


@functools.cache
def _statements():
    """Return the DELETE, INSERT and message-visibility UPDATE of a document, built once.

    They run after every flush that touches a searchable record (each approval's notice).
    """
    remove = delete(TABLE).where(
        TABLE.c.kind == bindparam("old_kind"), TABLE.c.ref_id == bindparam("old_ref_id")
    )
    visible = (
        update(TABLE)
        .where(TABLE.c.kind == "message", TABLE.c.case_id == bindparam("of_case_id"))
        .values(ministry_visible=bindparam("visible"))
    )
    return remove, insert(TABLE), visible


def _write(connection, kind: str, ref_id: int, record, *, new: bool = False) -> None:
    """Write the document of `record` (None: remove it); `new`: a record first inserted now,
    which can have no document yet."""
    remove, add, visible = _statements()
    if not new:
        connection.execute(remove, {"old_kind": kind, "old_ref_id": ref_id})
    if record is None:
        return
    row = document_row(kind, ref_id, record)
    connection.execute(add, row)
    if kind == "application":
        # A draft's messages become visible to the ministry with its submission.
        connection.execute(
            visible, {"of_case_id": row["case_id"], "visible": row["ministry_visible"]}
        )


def document_row(kind: str, ref_id: int, record) -> dict:
    """Return the columns of the document of `record` (all but its id)."""
    text = text_of(kind, record)
    return {
        "kind": kind,
        "ref_id": ref_id,
        "case_id": text.case_id,
        "municipality_id": text.municipality_id,
        "reference": text.reference,
        "title": text.title[:400],
        "body": text.body,
        "ministry_visible": text.ministry_visible,
        "internal": text.internal,
        "updated_at": utcnow(),
    }


def index_new(connection, record) -> None:
    """Write the document of a record just inserted without the session's flush, if any."""
    kind = KIND_OF.get(type(record))
    if kind is not None:
        _write(connection, kind, record.id, record, new=True)


def written_alone(record) -> bool:
    """Return whether the document of a new `record` is one row that depends on no other.

    (An application's also makes its case's messages visible: `_write` updates theirs.)
    """
    return KIND_OF.get(type(record)) != "application"


def new_document(record) -> dict | None:
    """Return the document row of a new `record` that a statement writes with the record.

    The record has its id and is loaded (its city too) but not yet written; None if it is
    not searchable.
    """
    kind = KIND_OF.get(type(record))
    return None if kind is None else document_row(kind, record.id, record)


def _expand(connection, keys: set) -> set:
    """Replace a changed municipality by the documents that carry its name."""
    result = {key for key in keys if key[0] != "municipality"}
    for _kind, municipality_id in (key for key in keys if key[0] == "municipality"):
        rows = connection.execute(
            select(TABLE.c.kind, TABLE.c.ref_id).where(TABLE.c.municipality_id == municipality_id)
        )
        result.update((kind, ref_id) for kind, ref_id in rows)
    return result


@event.listens_for(Session, "after_flush")
def _collect(session, _context) -> None:
    """Note which documents this flush touched (the lists still show what it wrote)."""
    keys = session.info.setdefault(PENDING, set())
    fresh = session.info.setdefault(FRESH, set())
    for obj in session.new:
        if KIND_OF.get(type(obj)) is not None:
            fresh.add((KIND_OF[type(obj)], obj.id))
    for obj in (*session.new, *session.dirty, *session.deleted):
        keys.update(_keys(obj))


@event.listens_for(Session, "after_flush_postexec")
def _rewrite(session, _context) -> None:
    """Rewrite the touched documents on the flush's connection (same transaction)."""
    keys = session.info.pop(PENDING, set())
    fresh = session.info.pop(FRESH, set())
    if not keys:
        return
    connection = session.connection()
    for kind, ref_id in sorted(_expand(connection, keys)):
        record = session.get(MODELS[kind], ref_id)
        _write(connection, kind, ref_id, record, new=(kind, ref_id) in fresh)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(FRESH, None)


def rebuild(session) -> int:
    """Rewrite every search document from the records; return how many there are."""
    connection = session.connection()
    connection.execute(delete(TABLE))
    count = 0
    for kind, model in MODELS.items():
        for record in session.scalars(select(model).order_by(model.id)):
            _write(connection, kind, record.id, record)
            count += 1
    logger.info("Search index rebuilt: %s documents", count)
    return count
