"""The revisions of an application in its case file: `fassungen.json` and each receipt PDF.

Every revision is exported with its stored content (exactly the canonical JSON its hash
covers, so an auditor recomputes `content_hash = SHA-256(content_json)` without Antrag), and
what it changed against the one before, field by field (as the review page shows it).
"""

from dataclasses import asdict

from flask_babel import gettext as _

from ..applications.revision_diff import diff
from ..applications.revisions import revisions_of
from ..audit.snapshot import moment


def revision_rows(application) -> list[dict]:
    """Return each revision of `application` with its content, hash check and changes."""
    found = revisions_of(application.id)
    rows = []
    for index, revision in enumerate(found):
        changes = asdict(diff(found[index - 1], revision)) if index else None
        rows.append(
            {
                "number": revision.number,
                "trigger": revision.trigger,
                "received_at": moment(revision.received_at),
                "file_reference": revision.file_reference,
                "actor_name": revision.actor_name,
                "content_json": revision.content_json,
                "content_hash": revision.content_hash,
                "content_verified": revision.verifies(),
                "changes_from_previous": changes,
            }
        )
    return rows


def add(writer, application, safe_name) -> list[dict]:
    """Add `fassungen.json` and the receipts to the archive; return the rows for the summary."""
    from ..letters import render_receipt

    rows = revision_rows(application)
    if not rows:
        return rows
    writer.add_bytes(
        "fassungen.json",
        _json(rows),
        _("Eingereichte Fassungen des Antrags mit Prüfsummen und Änderungen (JSON)"),
    )
    for revision in revisions_of(application.id):
        name = (
            f"fassungen/Eingangsbestaetigung-{safe_name(revision.file_reference)}"
            f"-Fassung-{revision.number}.pdf"
        )
        description = _("Eingangsbestätigung der Fassung %(number)s", number=revision.number)
        writer.add_bytes(name, render_receipt(revision), description)
    return rows


def _json(data) -> bytes:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
