"""Notices as plain objects for the letter tests, and reading a PDF's text back with pypdf."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pypdf

from antrag.law.courts import competent_court

SIGNER = SimpleNamespace(
    name="Anna Prüferin",
    function="Referatsleiterin",
    unit="Referat 35 Digitalisierung",
    phone="06131 16-3500",
    email="anna.prueferin@mdi.rlp.de",
)


def _projects():
    return [
        SimpleNamespace(
            title="Digitales Bürgerbüro",
            description="Termine und Anträge online",
            field_of_action="",
            estimated_cost=Decimal("50000.00"),
        ),
        SimpleNamespace(
            title="Offene Daten",
            description="Ein Datenportal der Stadt",
            field_of_action="",
            estimated_cost=Decimal("30000.00"),
        ),
    ]


def notice(**changes):
    """Return a funding notice of Speyer as the letters read it (snapshot and relations)."""
    ags = changes.pop("ags", "07318000")
    application = SimpleNamespace(
        projects=_projects(),
        own_contribution=Decimal("14250.00"),
        third_party_funds=Decimal("5000.00"),
        submitted_at=datetime(2019, 3, 1, 9, 0, tzinfo=UTC),
    )
    programme = SimpleNamespace(
        name="Interkommunales Netzwerk Digitale Stadt",
        guideline_title="Förderrichtlinie Interkommunales Netzwerk Digitale Stadt",
        guideline_date=date(2019, 1, 15),
    )
    values = {
        "file_reference": "DS-2019-0007",
        "amount": Decimal("60750.00"),
        "purpose": "Beitritt der Kommune Speyer zum Interkommunalen Netzwerk Digitale Stadt",
        "period_start": date(2019, 5, 14),
        "period_end": date(2020, 12, 31),
        "financing_type": "Festbetragsfinanzierung",
        "addressee_name": "Stadt Speyer",
        "addressee_head": "vertreten durch die Oberbürgermeisterin",
        "addressee_address": "Maximilianstraße 100\n67346 Speyer",
        "municipality": SimpleNamespace(ags=ags),
        "court": competent_court(ags),
        # Late evening in UTC is already the next day in Mainz.
        "issued_at": datetime(2019, 5, 13, 22, 30, tzinfo=UTC),
        "application": application,
        "round": SimpleNamespace(
            programme=programme, budget_chapter="03 20", budget_title="633 01"
        ),
        "reasons": "Die Mittel der Runde sind vollständig gebunden.\n\n"
        "Ein Nachrücken ist nicht vorgesehen.",
    }
    return SimpleNamespace(**(values | changes))


def text_of(pdf: bytes) -> str:
    """Return the PDF's text, whitespace collapsed, pages joined."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages_of(pdf: bytes) -> list[str]:
    """Return each page's text, whitespace collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]
