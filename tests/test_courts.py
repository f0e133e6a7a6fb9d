"""The competent administrative court by the addressee's district (§ 3 Abs. 2 GerOrgG)."""

import pytest

from antrag.law.courts import (
    COURTS,
    DISTRICTS,
    KOBLENZ,
    MAINZ,
    NEUSTADT,
    TRIER,
    NoCompetentCourt,
    competent_court,
)
from antrag.programme import rlp_municipalities
from antrag.programme.models import RLP_DISTRICTS

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic

EXPECTED = {
    KOBLENZ: {
        "07111", "07131", "07132", "07133", "07134", "07135",
        "07137", "07138", "07140", "07141", "07143",
    },
    MAINZ: {"07315", "07319", "07331", "07339"},
    NEUSTADT: {
        "07311", "07312", "07313", "07314", "07316", "07317", "07318", "07320",
        "07332", "07333", "07334", "07335", "07336", "07337", "07338", "07340",
    },
    TRIER: {"07211", "07231", "07232", "07233", "07235"},
}  # fmt: skip
EXPECTED_BY_DISTRICT = {key: court for court, keys in EXPECTED.items() for key in keys}


def test_the_table_holds_the_36_districts_of_the_land():
    assert len(DISTRICTS) == 36
    assert {key[2:] for key in DISTRICTS} == RLP_DISTRICTS
    kreisfreie = [name for name, _ in DISTRICTS.values() if name.startswith("Stadt ")]
    assert len(kreisfreie) == 12


def test_each_court_has_the_districts_the_law_gives_it():
    assert set(COURTS) == set(EXPECTED)
    for court in COURTS:
        assert {key for key, (_, c) in DISTRICTS.items() if c == court} == EXPECTED[court]


@pytest.mark.parametrize(("district", "court"), sorted(EXPECTED_BY_DISTRICT.items()))
def test_a_municipality_goes_to_the_court_of_its_district(district, court):
    assert competent_court(f"{district}999") == court


@pytest.mark.parametrize(
    ("city", "court"),
    [
        ("Speyer", NEUSTADT),
        ("Zweibrücken", NEUSTADT),
        ("Wörth am Rhein", NEUSTADT),
        ("Andernach", KOBLENZ),
        ("Kaiserslautern", NEUSTADT),
        ("Mainz", MAINZ),
        ("Trier", TRIER),
        ("Koblenz", KOBLENZ),
        ("Bad Kreuznach", KOBLENZ),
        ("Ingelheim am Rhein", MAINZ),
    ],
)
def test_cities_of_the_demo_by_their_real_key(city, court):
    assert competent_court(rlp_municipalities.by_name(city).ags) == court


def test_every_listed_city_has_a_court():
    for city in rlp_municipalities.CITIES:
        assert competent_court(city.ags) in COURTS


@pytest.mark.parametrize(
    "ags", ["06411000", "07999000", "07139000", "0731800", "073180000", "", None, "07318ab0"]
)
def test_a_key_outside_the_land_or_malformed_names_no_court(ags):
    with pytest.raises(NoCompetentCourt):
        competent_court(ags)


def test_the_address_line_names_court_street_and_town():
    assert NEUSTADT.address == (
        "Verwaltungsgericht Neustadt an der Weinstraße, Robert-Stolz-Straße 20, "
        "67433 Neustadt an der Weinstraße"
    )
