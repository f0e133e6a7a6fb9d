"""The revisions of an application on its pages: the receipt PDF and the diff for reading.

Whoever may see the application (its city, the ministry once submitted, a mentor who
follows it) may see what it submitted; anyone else gets 404, as for the application.
"""

import io

from flask import abort, send_file
from flask_login import login_required

from ..auth import load_visible
from ..letters import render_receipt
from .models import Application
from .revision_diff import diff, shown
from .revisions import revision, revisions_of
from .views import bp


@bp.route("/<int:application_id>/fassungen/<int:number>/eingangsbestaetigung.pdf")
@login_required
def receipt(application_id: int, number: int):
    """Send the receipt (Eingangsbestätigung) of one revision as a PDF download."""
    application = load_visible(Application, application_id)
    found = revision(application.id, number)
    if found is None:
        abort(404)
    name = f"Eingangsbestaetigung-{found.file_reference}-Fassung-{found.number}.pdf"
    return send_file(
        io.BytesIO(render_receipt(found)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )


def revisions_context(application: Application) -> dict:
    """Return the revisions for the case page and the diff of the newest from the one before."""
    found = revisions_of(application.id)
    changes = diff(found[-2], found[-1]) if len(found) >= 2 else None
    return {"revisions": found, "revision_changes": changes, "revision_value": shown}
