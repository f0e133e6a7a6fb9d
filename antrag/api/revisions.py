"""The revisions of an application in the API: listed on the application, receipts as PDF.

`revisions` on the application resource lists each submission (number, moment of receipt,
file reference, SHA-256 of the frozen content, receipt URL);
`GET /applications/{id}/revisions/{number}/receipt` sends the receipt (Eingangsbestätigung).
Whoever may read the application may read its revisions; anyone else gets 404.
"""

import io

from flask import send_file
from flask_login import current_user
from sqlalchemy import bindparam, select

from ..applications.models import Application
from ..applications.revisions import ApplicationRevision, revision
from ..audit.snapshot import moment
from ..engine.reads import columns
from .blueprint import bp
from .inputs import MAX_ID, get_visible
from .openapi_operations import OBJECT_READ, add, operation, path_id, pdf_ok
from .openapi_schemas import DATE_TIME, ID, SHA256, TEXT, URL, closed
from .problems import ApiProblem
from .urls import api_url

TAG = "Anträge auf Mitgliedschaft"
NOT_FOUND = "Diese Ressource gibt es nicht, oder Sie dürfen sie nicht sehen."
SCHEMA = closed(
    {
        "number": ID,
        "trigger": {"type": "string", "enum": ["submit", "resubmit"]},
        "received_at": DATE_TIME,
        "file_reference": TEXT,
        "content_hash": SHA256,
        "receipt_url": URL,
    },
    description="Eine eingereichte Fassung des Antrags, unveränderlich gespeichert; "
    "`content_hash` ist der SHA-256 ihres gespeicherten Inhalts (kanonisches JSON).",
)


# What the list shows, in one statement built once (it runs with every application's answer).
_LISTED = (
    select(
        ApplicationRevision.number,
        ApplicationRevision.trigger,
        ApplicationRevision.received_at,
        ApplicationRevision.file_reference,
        ApplicationRevision.content_hash,
    )
    .where(ApplicationRevision.application_id == bindparam("application_id"))
    .order_by(ApplicationRevision.number)
)


def serialize(application) -> list[dict]:
    """Return the application's revisions, oldest first."""
    if not application.revision_number:  # the row names its latest revision: there is none
        return []
    rows = columns(_LISTED, {"application_id": application.id})
    return [
        {
            "number": r.number,
            "trigger": r.trigger,
            "received_at": moment(r.received_at),
            "file_reference": r.file_reference,
            "content_hash": r.content_hash,
            "receipt_url": api_url(
                "api.application_receipt", object_id=application.id, number=r.number
            ),
        }
        for r in rows
    ]


@bp.get("/applications/<int:object_id>/revisions/<int:number>/receipt")
def application_receipt(object_id: int, number: int):
    """Send the receipt (Eingangsbestätigung) of one revision as a PDF."""
    from ..letters import render_receipt

    application = get_visible(Application, object_id, current_user)
    found = revision(application.id, number) if number <= MAX_ID else None
    if found is None:
        raise ApiProblem(404, NOT_FOUND)
    name = f"Eingangsbestaetigung-{found.file_reference}-Fassung-{found.number}.pdf"
    return send_file(
        io.BytesIO(render_receipt(found)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )


def add_paths(paths: dict) -> None:
    """Add the receipt download to the OpenAPI paths."""
    add(
        paths,
        "/applications/{object_id}/revisions/{number}/receipt",
        "get",
        operation(
            "application_receipt",
            "Eingangsbestätigung als PDF",
            TAG,
            description="Die Eingangsbestätigung einer eingereichten Fassung (`revisions` des "
            "Antrags): Zeitpunkt des Eingangs, Aktenzeichen, der Inhalt wie eingereicht, die "
            "Nummer der Fassung und ihr SHA-256.",
            parameters=(path_id(), path_id("number", "Die Nummer der Fassung (1, 2, …).")),
            ok=pdf_ok("Die Eingangsbestätigung."),
            problems=OBJECT_READ,
        ),
    )
