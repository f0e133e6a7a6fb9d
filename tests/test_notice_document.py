"""The funding notice PDF and amounts in German words."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pypdf
import pytest

from antrag.funding.document import amount_in_words, clean, render_notice_pdf


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("60750", "sechzigtausendsiebenhundertfünfzig Euro"),
        ("60750.00", "sechzigtausendsiebenhundertfünfzig Euro"),
        ("60750.50", "sechzigtausendsiebenhundertfünfzig Euro und 50 Cent"),
        ("1", "ein Euro"),
        ("101", "einhundertein Euro"),
        ("21", "einundzwanzig Euro"),
        ("0.99", "null Euro und 99 Cent"),
        ("0.05", "null Euro und 5 Cent"),
        ("243000", "zweihundertdreiundvierzigtausend Euro"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "0.001"])
def test_amount_in_words_refuses_what_is_no_amount_of_cents(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


def _notice(**changes):
    values = {
        "file_reference": "DS-2019-0007",
        "amount": Decimal("60750.00"),
        "purpose": "Beitritt zum Netzwerk; Projekt „Digitales Bürgerbüro“.",
        "period_start": date(2019, 6, 1),
        "period_end": date(2020, 12, 31),
        "financing_type": "Festbetragsfinanzierung",
        "addressee_name": "Stadt Speyer",
        "addressee_head": "Oberbürgermeisterin Erika Muster",
        "addressee_address": "Stadtverwaltung Speyer, Maximilianstraße 100, 67346 Speyer",
        "municipality": SimpleNamespace(ags="07318000"),
        # Late evening in UTC is already the next day in Mainz.
        "issued_at": datetime(2019, 5, 13, 22, 30, tzinfo=UTC),
    }
    return SimpleNamespace(**(values | changes))


SIGNER = SimpleNamespace(name="Anna Prüferin")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_notice_pdf_opens_and_says_what_the_notice_grants():
    text = _text(render_notice_pdf(_notice(), SIGNER))
    for expected in (
        "DS-2019-0007",
        "14.05.2019",
        "Zuwendungsbescheid – Interkommunales Netzwerk Digitale Stadt",
        "Stadt Speyer",
        "Maximilianstraße 100",
        "67346 Speyer",
        "60.750,00 EUR",
        "sechzigtausendsiebenhundertfünfzig Euro",
        "Projekt „Digitales Bürgerbüro“",
        "Bewilligungszeitraum: 01.06.2019 bis 31.12.2020",
        "Festbetragsfinanzierung",
        "ANBest-K",
        "innerhalb von sechs Monaten nach Ablauf des Bewilligungszeitraums",
        "Im Auftrag Anna Prüferin",
    ):
        assert expected in text


def test_notice_pdf_has_the_appeal_instructions():
    text = _text(render_notice_pdf(_notice(), SIGNER))
    assert "Rechtsbehelfsbelehrung" in text
    assert "innerhalb eines Monats nach seiner Bekanntgabe Klage" in text
    assert "§ 68 Abs. 1 Satz 2 Nr. 1 VwGO" in text


@pytest.mark.parametrize(
    ("ags", "court", "other"),
    [
        (
            "07318000",  # Speyer
            "beim Verwaltungsgericht Neustadt an der Weinstraße, Robert-Stolz-Straße 20, "
            "67433 Neustadt an der Weinstraße,",
            "Mainz, Ernst-Ludwig",
        ),
        (
            "07137003",  # Andernach
            "beim Verwaltungsgericht Koblenz, Deinhardpassage 1, 56068 Koblenz,",
            "Mainz, Ernst-Ludwig",
        ),
        (
            "07315000",  # Mainz
            "beim Verwaltungsgericht Mainz, Ernst-Ludwig-Straße 9, 55116 Mainz,",
            "Neustadt an der Weinstraße",
        ),
    ],
)
def test_notice_pdf_names_the_court_of_the_city_s_district(ags, court, other):
    text = _text(render_notice_pdf(_notice(municipality=SimpleNamespace(ags=ags)), SIGNER))
    assert court in text
    assert other not in text


def test_notice_pdf_renders_names_outside_the_font():
    notice = _notice(
        addressee_name="Gmina Łódź 漢字 😀",
        addressee_head="Bürgermeister Śmigły\x00\tRydz",
        purpose="Zweck mit \u200b Sonderzeichen ∑ und ﬁ-Ligatur",
    )
    pdf = render_notice_pdf(notice, SimpleNamespace(name="Zoë Ωmega"))
    text = _text(pdf)
    assert "Gmina ?ódz ?? ?" in text
    assert "Bürgermeister Smig?y Rydz" in text
    assert "fi-Ligatur" in text
    assert "Zoë ?mega" in text


def test_notice_pdf_is_the_same_for_the_same_notice():
    assert render_notice_pdf(_notice(), SIGNER) == render_notice_pdf(_notice(), SIGNER)


def test_notice_pdf_takes_its_creation_date_from_the_issue_date():
    reader = pypdf.PdfReader(io.BytesIO(render_notice_pdf(_notice(), SIGNER)))
    assert reader.metadata.creation_date.astimezone(UTC) == datetime(
        2019, 5, 13, 22, 30, tzinfo=UTC
    )


def test_clean_keeps_german_and_replaces_the_rest():
    assert clean("Größe „ä“ – ß €") == "Größe „ä“ – ß €"
    assert clean("Ł\x07é") == "? é"
