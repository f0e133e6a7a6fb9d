"""Demo data of the directory: the projects the demo member cities chose to share."""

from datetime import datetime

from ..clock import frozen_at
from ..engine.calendar import BERLIN
from .operations import set_sharing

# (AGS, project title, public summary or None, contact e-mail or None); the other projects
# of the member cities stay unshared, as nothing is shared unless the city decides so.
SHARED = (
    ("07318000", "Digitales Bürgerbüro",
     "Online-Termine und die zehn häufigsten Anträge digital; gern zeigen wir anderen "
     "Städten, wie wir die Antragsstrecken gebaut haben.", "digital@speyer.example"),
    ("07318000", "Parkleitsystem Altstadt", None, None),
    ("07137003", "Essbare Stadt digital", None, "digital@andernach.example"),
    ("07320000", "Open-Data-Portal",
     "Offene Daten der Stadt auf einem Portal, mit Schnittstelle für Entwickler.", None),
    ("07334501", "Hochwasser-Frühwarnung am Rhein", None, "digital@woerth.example"),
)  # fmt: skip
SHARED_AT = datetime(2019, 6, 3, 10, 0, tzinfo=BERLIN)


def share_projects(replay) -> int:
    """Share the demo projects as each city's officer; flush, never commit."""
    count = 0
    with frozen_at(SHARED_AT):
        for ags, title, summary, contact in SHARED:
            application = replay.applications[ags]
            project = next((p for p in application.projects if p.title == title), None)
            if project is None:
                raise LookupError(f"demo project {title!r} of {ags} not found")
            set_sharing(
                replay.users[ags], project, shared=True, summary=summary, contact_email=contact
            )
            count += 1
    return count
