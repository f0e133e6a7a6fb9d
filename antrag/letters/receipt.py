"""The receipt (Eingangsbestätigung) of a submitted application, rendered from its revision.

Not an administrative act (no tenor, no appeal instructions, no signer, no seal): it
confirms the moment of receipt, the file reference and what was received, exactly as
frozen in the revision (its number and SHA-256, by which the city can prove the content
later). The moment of receipt matters for deadlines and for the early start (VV Nr. 1.3
zu § 44 LHO: projects not begun before the application). Everything is printed from the
revision's stored content, never from the application's current rows.
"""

from datetime import datetime

from ..applications.revision_diff import FIELDS, PLAN_ROWS, PROJECT_FIELDS, shown
from ..engine.calendar import BERLIN
from ..extensions import db
from ..programme.models import Municipality
from .layout import SENDER_ADDRESS
from .text import one_line

TITLE = "Eingangsbestätigung"
SUBJECT = "Eingangsbestätigung – Beitrittsantrag mit Förderantrag"
KINDS = {"council_resolution": "Ratsbeschluss"}


def received_text(moment: datetime) -> str:
    """Return the moment of receipt as printed: "14.05.2019, 10:30:15 Uhr" (Berlin time)."""
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M:%S Uhr")


def address_lines(content: dict) -> list[str]:
    """Return the window lines: the municipality as legal person and its postal address."""
    municipality = db.session.get(Municipality, content["municipality"]["id"])
    lines = [content["municipality"]["name"]]
    if municipality is not None:
        lines = [municipality.legal_designation, municipality.represented_by or ""]
        lines += (municipality.postal_address or "").split("\n")
    return [one_line(line) for line in lines if one_line(line)][:7]


def render(pdf, revision) -> None:
    """Write the whole receipt of `revision` (an ApplicationRevision)."""
    frozen = revision.content()
    content = frozen["application"]
    received = received_text(revision.received_at)
    pdf.new_page()
    pdf.letterhead()
    pdf.address_field(address_lines(content))
    pdf.info_block(
        [
            ("Aktenzeichen", revision.file_reference),
            ("Eingang", received),
            ("Fassung", str(revision.number)),
            ("Anschrift", ", ".join(SENDER_ADDRESS)),
        ]
    )
    pdf.set_y(max(pdf.get_y() + 4, 105))
    pdf.heading(f"{TITLE} – Beitrittsantrag mit Förderantrag", level=1, gap=3)
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    which = "Ihr Antrag" if revision.number == 1 else "die überarbeitete Fassung Ihres Antrags"
    pdf.paragraph(
        f"{which} auf Beitritt zum Interkommunalen Netzwerk Digitale Stadt mit Förderantrag in "
        f"der Antragsrunde „{content['round']['name']}“ ist am {received} beim Ministerium "
        f"eingegangen (Aktenzeichen {revision.file_reference}, Fassung {revision.number}). "
        "Eingegangen ist der folgende Inhalt.",
        gap=3,
    )
    _application(pdf, content)
    _projects(pdf, content)
    _attachments(pdf, content)
    pdf.heading("Prüfsumme")
    pdf.paragraph(f"SHA-256 der Fassung {revision.number}: {revision.content_hash}", size=9, gap=1)
    pdf.paragraph(
        "Die Prüfsumme ist über den gespeicherten Inhalt dieser Fassung gebildet (kanonisches "
        "JSON, siehe Handbuch „Revisionen“). Sie belegt, was eingegangen ist; spätere "
        "Änderungen ergeben eine neue Fassung mit eigener Prüfsumme.",
        size=9,
        gap=3,
    )
    pdf.paragraph(
        "Diese Bestätigung ist kein Bescheid; über Ihren Antrag wird gesondert entschieden. "
        "Sie wurde automatisch erstellt und ist ohne Unterschrift gültig.",
        gap=2,
    )


def _application(pdf, content: dict) -> None:
    pdf.heading("Angaben des Antrags")
    pdf.paragraph(f"Kommune: {content['municipality']['name']}")
    for key, text in FIELDS.items():
        pdf.paragraph(f"{text}: {shown(key, content.get(key), german=True)}")
    pdf.ln(2)
    pdf.heading("Finanzierungsplan")
    for key, text in PLAN_ROWS.items():
        pdf.figure_line(text, shown(key, content["financing_plan"].get(key), german=True))
    pdf.ln(2)


def _projects(pdf, content: dict) -> None:
    pdf.heading("Vorhaben")
    if not content["projects"]:
        pdf.paragraph("Keine.", gap=2)
    for index, project in enumerate(content["projects"], start=1):
        pdf.paragraph(f"{index}. {project.get('title') or '–'}", style="B", keep=10)
        for key, text in PROJECT_FIELDS.items():
            if key != "title":
                pdf.paragraph(f"{text}: {shown(key, project.get(key), german=True)}", indent=5)
        pdf.ln(2)


def _attachments(pdf, content: dict) -> None:
    pdf.heading("Anlagen")
    if not content["attachments"]:
        pdf.paragraph("Keine.", gap=2)
    for attachment in content["attachments"]:
        kind = KINDS.get(attachment["kind"], attachment["kind"])
        pdf.paragraph(f"{kind}: {attachment['name']} ({attachment['size']} Bytes)")
        pdf.paragraph(f"SHA-256: {attachment['sha256']}", size=9, indent=5)
    pdf.ln(2)
