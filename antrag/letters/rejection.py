"""The content of the rejection notice (Ablehnungsbescheid): a written decision with its
reasons (§ 39 Abs. 1 VwVfG: the essential factual and legal reasons, and for a discretionary
decision the points from which the authority started) and the appeal instructions."""

from ..engine.calendar import BERLIN
from . import appeal, parts
from .text import german_date

TITLE = "Ablehnungsbescheid"
SUBJECT = "Ablehnungsbescheid – Interkommunales Netzwerk Digitale Stadt"
DISCRETION = (
    "Auf die Gewährung einer Zuwendung besteht kein Rechtsanspruch; das Ministerium "
    "entscheidet nach pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel "
    "(§§ 23, 44 LHO und die Verwaltungsvorschriften hierzu)."
)


def _application_day(notice) -> str:
    submitted = getattr(getattr(notice, "application", None), "submitted_at", None)
    return german_date(submitted.astimezone(BERLIN).date()) if submitted else ""


def render(pdf, notice, signer) -> None:
    """Write the whole rejection notice."""
    parts.head(pdf, notice, signer)
    pdf.heading(f"{TITLE} – Interkommunales Netzwerk Digitale Stadt", level=1, gap=3)
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    day = _application_day(notice)
    application = f"Ihren Antrag vom {day}" if day else "Ihren Antrag"
    pdf.paragraph(
        f"über {application} auf Beitritt zum Interkommunalen Netzwerk Digitale Stadt mit "
        f"Förderantrag ergeht an die {parts.addressee_line(notice)}, folgender Bescheid:",
        gap=3,
    )
    pdf.heading("I. Entscheidung")
    pdf.paragraph(
        f"Ihr Antrag{f' vom {day}' if day else ''} auf Gewährung einer Zuwendung wird abgelehnt.",
        gap=3,
    )
    pdf.heading("II. Begründung")
    for text in (getattr(notice, "reasons", None) or "").split("\n\n"):
        if text.strip():
            pdf.paragraph(text.strip(), gap=2)
    pdf.paragraph(DISCRETION, gap=3)
    appeal.write(pdf, notice.court)
    parts.signature(pdf, signer)
