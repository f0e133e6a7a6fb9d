"""`audit verify`'s check of the revisions: each content against its hash, each chain intact.

The database refuses changes to revisions; this finds what someone who dropped the triggers
changed: a content that no longer matches its `content_hash`, a number that does not follow
the one before, a `previous_hash` that does not name the revision before, an application
whose latest revision (`revision_number`, `revision_hash`) is not its newest stored one.
"""

import json

from sqlalchemy import select

from ..audit.snapshot import sha256
from ..extensions import db
from .revisions import GENESIS, ApplicationRevision


def verify(batch_size: int = 500) -> tuple[int, list[str]]:
    """Return (revisions checked, problems found), each problem naming application and number."""
    problems: list[str] = []
    checked, last = 0, None  # last: (application_id, number, hash) of the revision before
    newest: dict[int, tuple[int, str]] = {}
    query = select(ApplicationRevision).order_by(
        ApplicationRevision.application_id, ApplicationRevision.number
    )
    for found in db.session.scalars(query.execution_options(yield_per=batch_size)):
        checked += 1
        where = f"application {found.application_id}, revision {found.number}"
        same = last is not None and last[0] == found.application_id
        expected_number = last[1] + 1 if same else 1
        expected_previous = last[2] if same else GENESIS
        if sha256(found.content_json) != found.content_hash:
            problems.append(f"{where}: content does not match its SHA-256")
        else:
            content = json.loads(found.content_json)
            if content.get("previous_hash") != expected_previous:
                problems.append(f"{where}: does not chain to the revision before")
            if content.get("revision") != found.number:
                problems.append(f"{where}: number differs from the content's")
        if found.number != expected_number:
            problems.append(f"{where}: expected revision {expected_number} (one is missing)")
        last = (found.application_id, found.number, found.content_hash)
        newest[found.application_id] = (found.number, found.content_hash)
    problems += _latest_on_the_applications(newest)
    return checked, problems


def _latest_on_the_applications(newest: dict[int, tuple[int, str]]) -> list[str]:
    """Compare each application's latest revision with the newest one stored."""
    from .models import Application

    rows = db.session.execute(
        select(Application.id, Application.revision_number, Application.revision_hash).where(
            Application.revision_number.is_not(None) | Application.id.in_(list(newest))
        )
    ).all()
    return [
        f"application {row.id}: latest revision {row.revision_number} is not the newest stored "
        f"({newest.get(row.id, (None,))[0]})"
        for row in rows
        if (row.revision_number, row.revision_hash) != newest.get(row.id, (None, None))
    ]
