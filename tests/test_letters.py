"""The content of the funding and the rejection notice, read back from the PDF with pypdf."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from letters_support import SIGNER, notice, pages_of, text_of

from antrag.law.courts import competent_court
from antrag.letters import amount_in_words, clean, render_funding_notice, render_rejection_notice
from antrag.letters.anbest import load

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


def funding(**changes) -> str:
    return text_of(render_funding_notice(notice(**changes), SIGNER, draft=True))


def rejection(**changes) -> str:
    return text_of(render_rejection_notice(notice(**changes), SIGNER, draft=True))


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


def test_clean_keeps_what_the_font_shows_and_replaces_the_rest():
    assert clean("Größe „ä“ – ß € § Łódź") == "Größe „ä“ – ß € § Łódź"
    assert clean("漢\x07é") == "? é"


def test_funding_notice_names_the_addressee_as_legal_person_with_its_address():
    text = funding()
    assert "Stadt Speyer vertreten durch die Oberbürgermeisterin Maximilianstraße 100" in text
    assert "67346 Speyer" in text
    assert "an die Stadt Speyer, vertreten durch die Oberbürgermeisterin," in text


def test_funding_notice_writes_house_number_ranges_with_the_bis_dash():
    text = funding(addressee_address="Maximilianstraße 98-100\n67346 Speyer")
    assert "Maximilianstraße 98–100" in text and "98-100" not in text
    assert "Schillerplatz 3–5, 55116 Mainz" in text and "3-5" not in text


def test_funding_notice_derives_the_representation_from_the_head_title():
    changed = {"addressee_head": None, "municipality": SimpleNamespace(ags="07318000")}
    changed["municipality"].head_title = "Oberbürgermeister"
    assert "Stadt Speyer, vertreten durch den Oberbürgermeister," in funding(**changed)


def test_funding_notice_has_the_legal_basis_budget_item_and_application_date():
    text = funding()
    assert "§§ 23 und 44 der Landeshaushaltsordnung Rheinland-Pfalz (LHO)" in text
    assert "Verwaltungsvorschriften hierzu (VV-LHO)" in text
    assert "Förderrichtlinie Interkommunales Netzwerk Digitale Stadt vom 15.01.2019" in text
    assert "Haushaltsstelle: Kapitel 03 20, Titel 633 01" in text
    assert "Ihr Antrag vom 01.03.2019" in text


def test_funding_notice_has_each_project_and_the_financing_plan():
    text = funding()
    for expected in (
        "Projekt 1: Digitales Bürgerbüro",
        "Zweck: Termine und Anträge online",
        "Zuwendungsfähige Ausgaben: 50.000,00 EUR",
        "Projekt 2: Offene Daten",
        "Zweck: Ein Datenportal der Stadt",
        "Zuwendungsfähige Ausgaben: 30.000,00 EUR",
        "Zuwendungsfähige Gesamtausgaben 80.000,00 EUR",
        "Eigenanteil der Kommune 14.250,00 EUR",
        "Mittel Dritter 5.000,00 EUR",
        "Zuwendung des Landes (Festbetrag) 60.750,00 EUR",
    ):
        assert expected in text


def test_funding_notice_takes_the_plan_of_the_application_when_it_has_one():
    base = notice()
    plan = SimpleNamespace(
        total_cost=Decimal("90000.00"),
        own_contribution=Decimal("20000.00"),
        third_party_funds=Decimal("9250.00"),
        grant=Decimal("60750.00"),
    )
    base.application.financing_plan = lambda: plan
    text = text_of(render_funding_notice(base, SIGNER, draft=True))
    assert "Zuwendungsfähige Gesamtausgaben 90.000,00 EUR" in text
    assert "Mittel Dritter 9.250,00 EUR" in text


def test_funding_notice_grants_a_fixed_amount_without_contradiction():
    text = funding()
    assert "Festbetragsfinanzierung in Höhe von 60.750,00 EUR" in text
    assert "(in Worten: sechzigtausendsiebenhundertfünfzig Euro)" in text
    assert "Festbetrag" in text
    assert "höchstens" not in text.casefold()


def test_funding_period_starts_with_the_notice():
    text = funding()
    assert "Bewilligungszeitraum beginnt mit dem Datum dieses Bescheids (14.05.2019)" in text
    assert "endet am 31.12.2020" in text
    assert "Datum 14.05.2019" in text


def test_funding_notice_attaches_the_anbest_k_in_a_named_version_as_pages():
    conditions = load()
    pages = pages_of(render_funding_notice(notice(), SIGNER, draft=True))
    body, annex = " ".join(pages[:-1]), pages[-1]
    assert "jeweils geltenden Fassung" not in " ".join(pages)
    assert "(ANBest-K) in der Fassung vom 20.12.2002" in body
    assert "Anlage zum Zuwendungsbescheid" in annex
    assert "(ANBest-K)" in annex
    assert "Fassung vom 20.12.2002" in annex
    assert conditions.version in annex
    assert "1. Anforderung und Verwendung der Zuwendung" in annex


def test_funding_notice_has_reasons_instructions_and_the_waiver_outside_them():
    text = funding()
    reasons = text.index("IV. Begründung")
    instructions = text.index("Rechtsbehelfsbelehrung")
    waiver = text.index("Hinweis: Verzicht auf die Klage")
    signature = text.index("Mit freundlichen Grüßen")
    assert reasons < instructions < waiver < signature
    assert "§ 23 LHO" in text[reasons:instructions]
    assert "verzicht" not in text[instructions:waiver].casefold()


def _instructions_of(text: str) -> str:
    start = text.index("Rechtsbehelfsbelehrung")
    end = text.index("Hinweis: Verzicht") if "Hinweis: Verzicht" in text else len(text)
    return text[start:end]


@pytest.mark.parametrize("render", [funding, rejection])
def test_appeal_instructions_are_complete(render):
    instructions = _instructions_of(render())
    for expected in (
        "innerhalb eines Monats nach seiner Bekanntgabe Klage",
        "beim Verwaltungsgericht Neustadt an der Weinstraße, Robert-Stolz-Straße 20, "
        "67433 Neustadt an der Weinstraße,",
        "Ein Widerspruchsverfahren findet nicht statt",
        "§ 68 Abs. 1 Satz 2 Nr. 1 VwGO",
        "als elektronisches Dokument nach Maßgabe des § 55a",
        "juristische Personen des öffentlichen Rechts",
        "müssen die Klage als elektronisches Dokument übermitteln (§ 55d Satz 1 VwGO)",
    ):
        assert expected in instructions


@pytest.mark.parametrize(
    ("ags", "court", "other"),
    [
        (
            "07137003",
            "beim Verwaltungsgericht Koblenz, Deinhardpassage 1, 56068 Koblenz,",
            "Mainz,",
        ),
        (
            "07315000",
            "beim Verwaltungsgericht Mainz, Ernst-Ludwig-Straße 9, 55116 Mainz,",
            "Koblenz",
        ),
    ],
)
def test_instructions_name_the_court_of_the_city_s_district(ags, court, other):
    text = funding(ags=ags)
    assert court in text
    assert other not in _instructions_of(text)


@pytest.mark.parametrize("render", [funding, rejection])
def test_signature_block_has_function_unit_phone_and_email(render):
    text = render()
    assert (
        "Im Auftrag Anna Prüferin Referatsleiterin Referat 35 Digitalisierung "
        "Telefon 06131 16-3500 E-Mail anna.prueferin@mdi.rlp.de"
    ) in text


def test_signature_block_without_the_new_fields_still_renders():
    text = text_of(
        render_funding_notice(notice(), SimpleNamespace(name="Bernd Prüfer"), draft=True)
    )
    assert "Im Auftrag Bernd Prüfer" in text


def test_rejection_notice_decides_and_gives_its_reasons():
    text = rejection()
    assert "Ablehnungsbescheid" in text
    assert "Aktenzeichen DS-2019-0007" in text
    assert "Stadt Speyer, vertreten durch die Oberbürgermeisterin," in text
    assert "Ihr Antrag vom 01.03.2019 auf Gewährung einer Zuwendung wird abgelehnt." in text
    reasons = text[text.index("II. Begründung") : text.index("Rechtsbehelfsbelehrung")]
    assert "Die Mittel der Runde sind vollständig gebunden." in reasons
    assert "Ein Nachrücken ist nicht vorgesehen." in reasons
    assert "pflichtgemäßem Ermessen" in reasons
    assert "Verzicht" not in text


def test_letters_render_names_outside_the_font():
    changed = {
        "addressee_name": "Gmina Łódź 漢字 😀",
        "addressee_head": "Bürgermeister Śmigły\x00\tRydz",
    }
    text = text_of(
        render_funding_notice(notice(**changed), SimpleNamespace(name="Zoë 漢"), draft=True)
    )
    assert "Gmina Łódź ?? ?" in text
    assert "Bürgermeister Śmigły Rydz" in text
    assert "Zoë ?" in text


def test_unknown_court_district_raises_before_a_letter_without_instructions():
    from antrag.law.courts import NoCompetentCourt

    with pytest.raises(NoCompetentCourt):
        competent_court("09162000")


def test_draft_is_marked_on_every_page_and_the_same_for_the_same_notice():
    pdf = render_funding_notice(notice(), SIGNER, draft=True)
    assert all(page.startswith("ENTWURF") or "ENTWURF" in page for page in pages_of(pdf))
    assert pdf == render_funding_notice(notice(), SIGNER, draft=True)


def test_letter_is_dated_from_the_issue_moment():
    import io

    import pikepdf

    pdf = render_funding_notice(notice(), SIGNER, draft=True)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        created = document.open_metadata()["xmp:CreateDate"]
    assert datetime.fromisoformat(created) == datetime(2019, 5, 13, 22, 30, tzinfo=UTC)
