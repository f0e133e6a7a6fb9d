"""The addressee of a letter (legal designation, head title, postal address), the address
parser and its migration, and the guards on issue that name what a notice still lacks."""

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from funding_support import act, notice_of

from antrag.engine.errors import GuardRefused
from antrag.extensions import db
from antrag.programme.letter_fields import (
    default_head_title,
    legal_designation,
    parse_address,
    represented_by,
)
from antrag.programme.models import Municipality
from antrag.programme.operations import ProgrammeError, create_municipality


@pytest.mark.parametrize(
    ("name", "kind", "is_city", "designation", "title"),
    [
        ("Speyer", "kreisfreie_stadt", True, "Stadt Speyer", "Oberbürgermeister"),
        ("Andernach", "grosse_kreisangehoerige_stadt", True, "Stadt Andernach",
         "Oberbürgermeister"),
        ("Wörth am Rhein", "verbandsfreie_gemeinde", True, "Stadt Wörth am Rhein",
         "Bürgermeister"),
        ("Haßloch", "verbandsfreie_gemeinde", False, "Gemeinde Haßloch", "Bürgermeister"),
        ("Kaiserslautern-Süd", "verbandsgemeinde", False, "Verbandsgemeinde Kaiserslautern-Süd",
         "Bürgermeister"),
        ("Dierfeld", "ortsgemeinde", False, "Ortsgemeinde Dierfeld", "Ortsbürgermeister"),
        ("Kusel", "ortsgemeinde", True, "Stadt Kusel", "Stadtbürgermeister"),
        ("Germersheim", "landkreis", False, "Landkreis Germersheim", "Landrat"),
        ("Rhein-Pfalz-Kreis", "landkreis", False, "Rhein-Pfalz-Kreis", "Landrat"),
        ("Stadt Speyer", "kreisfreie_stadt", True, "Stadt Speyer", "Oberbürgermeister"),
        ("Verbandsgemeinde Wonnegau", "verbandsgemeinde", False, "Verbandsgemeinde Wonnegau",
         "Bürgermeister"),
        ("Stadtkyll", "ortsgemeinde", False, "Ortsgemeinde Stadtkyll", "Ortsbürgermeister"),
    ],
)  # fmt: skip
def test_designation_and_head_title_follow_the_kind(name, kind, is_city, designation, title):
    assert legal_designation(name, kind, is_city) == designation
    assert default_head_title(kind, is_city) == title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Oberbürgermeister", "vertreten durch den Oberbürgermeister"),
        ("Oberbürgermeisterin", "vertreten durch die Oberbürgermeisterin"),
        ("Landrätin", "vertreten durch die Landrätin"),
        ("", None),
        (None, None),
    ],
)
def test_represented_by_takes_the_article_of_the_title(title, expected):
    assert represented_by(title) == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Stadtverwaltung Speyer, Maximilianstraße 100, 67346 Speyer",
         ("Maximilianstraße 100", "67346", "Speyer")),
        ("Maximilianstraße 100\n67346 Speyer", ("Maximilianstraße 100", "67346", "Speyer")),
        ("Stadtverwaltung Trier\nAm Augustinerhof\n54290 Trier",
         ("Am Augustinerhof", "54290", "Trier")),
        ("Postfach 1234, 55028 Mainz", ("Postfach 1234", "55028", "Mainz")),
        ("Stadtverwaltung Speyer, 67346 Speyer", None),
        ("Maximilianstraße 100, Speyer", None),
        ("Maximilianstraße 100, 6734 Speyer", None),
        ("67346 Speyer", None),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_parse_address_takes_street_and_postcode_line_or_nothing(text, parts):
    parsed = parse_address(text)
    assert (None if parsed is None else (parsed.street, parsed.postal_code, parsed.town)) == parts


def test_municipality_properties_and_gaps(app):
    city = Municipality(ags="07318000", name="Speyer", kind="kreisfreie_stadt", is_city=True)
    assert city.postal_address is None
    assert city.addressee_gaps() == [
        "die Amtsbezeichnung der Verwaltungsspitze",
        "Straße und Hausnummer der Verwaltung",
        "die Postleitzahl",
        "der Ort",
    ]
    city.head_title, city.street, city.postal_code = (
        "Oberbürgermeisterin",
        "Maximilianstraße 100",
        "67346",
    )
    city.town = "Speyer"
    assert city.addressee_gaps() == []
    assert city.postal_address == "Maximilianstraße 100\n67346 Speyer"
    assert city.address == "Maximilianstraße 100, 67346 Speyer"
    assert city.represented_by == "vertreten durch die Oberbürgermeisterin"
    assert city.legal_designation == "Stadt Speyer"


def test_create_municipality_splits_a_one_line_address_and_fills_the_title(app):
    city = create_municipality(
        ags="07111000", name="Koblenz", kind="kreisfreie_stadt", population=114000,
        address="Stadtverwaltung Koblenz, Willi-Hörter-Platz 1, 56068 Koblenz",
    )  # fmt: skip
    assert (city.street, city.postal_code, city.town) == (
        "Willi-Hörter-Platz 1",
        "56068",
        "Koblenz",
    )
    assert city.head_title == "Oberbürgermeister"


def test_create_municipality_refuses_an_address_it_cannot_read(app):
    with pytest.raises(ProgrammeError) as refused:
        create_municipality(
            ags="07111000", name="Koblenz", kind="kreisfreie_stadt", population=1, address="Rathaus"
        )
    assert "Maximilianstraße 100, 67346 Speyer" in refused.value.errors["address"]


def _migration_0014():
    path = Path(__file__).parent.parent / "antrag/migrations/versions/0014_letter_content.py"
    spec = importlib.util.spec_from_file_location("m0014", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_splits_the_free_text_address_where_it_parses(app):
    from flask_migrate import downgrade, upgrade

    db.session.close()
    downgrade(revision=_migration_0014().down_revision)
    rows = [
        ("07318000", "Speyer", "kreisfreie_stadt", "Stadtverwaltung Speyer, Maximilianstraße 100, 67346 Speyer"),
        ("07334501", "Wörth am Rhein", "verbandsfreie_gemeinde", "Rathaus Wörth"),
    ]  # fmt: skip
    with db.engine.begin() as connection:
        for ags, name, kind, address in rows:
            connection.execute(
                sa.text(
                    "INSERT INTO municipality (ags, name, kind, is_city, population, address) "
                    "VALUES (:ags, :name, :kind, :city, 1, :address)"
                ),
                {"ags": ags, "name": name, "kind": kind, "city": True, "address": address},
            )
    upgrade()
    speyer, woerth = (
        db.session.scalar(sa.select(Municipality).filter_by(ags=ags)) for ags, *_ in rows
    )
    assert speyer.postal_address == "Maximilianstraße 100\n67346 Speyer"
    assert speyer.head_title == "Oberbürgermeister"
    assert woerth.postal_address is None  # not guessed: the issue action names the gap
    assert woerth.head_title == "Bürgermeister"


# The guards on issue


def _approved_notice(make_application, world):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    return notice


def test_issue_refused_while_the_address_is_missing(make_application, world):
    notice = _approved_notice(make_application, world)
    world.speyer.street = None
    world.speyer.postal_code = None
    db.session.commit()
    with pytest.raises(GuardRefused) as refused:
        act(notice, "issue", world.users.reviewer)
    assert refused.value.guard == "addressee_complete"
    assert "Straße und Hausnummer der Verwaltung, die Postleitzahl" in str(refused.value)
    db.session.rollback()
    assert notice.case.state == "drafted"


def test_issue_refused_without_the_signers_signature_block(make_application, world):
    notice = _approved_notice(make_application, world)
    world.users.reviewer.phone = None
    world.users.reviewer.unit = ""
    db.session.commit()
    with pytest.raises(GuardRefused) as refused:
        act(notice, "issue", world.users.reviewer)
    assert refused.value.guard == "signature_block_complete"
    assert "Organisationseinheit, Telefon" in str(refused.value)


def test_issue_refused_without_guideline_and_budget_item(make_application, world):
    notice = _approved_notice(make_application, world)
    world.programme.guideline_date = None
    world.round.budget_title = None
    db.session.commit()
    with pytest.raises(GuardRefused) as refused:
        act(notice, "issue", world.users.reviewer)
    assert refused.value.guard == "legal_basis_complete"
    message = str(refused.value)
    assert "Datum der Förderrichtlinie" in message
    assert "Titel der Haushaltsstelle der Runde „Testrunde“" in message
    assert "Kapitel" not in message


def test_issue_copies_the_addressee_entered_after_the_draft(make_application, world):
    notice = _approved_notice(make_application, world)
    world.speyer.head_title = "Oberbürgermeisterin"
    world.speyer.street = "Postfach 1234"
    db.session.commit()
    act(notice, "issue", world.users.reviewer)
    assert notice.addressee_name == "Stadt Speyer"
    assert notice.addressee_head == "vertreten durch die Oberbürgermeisterin"
    assert notice.addressee_address == "Postfach 1234\n67346 Speyer"
