"""The cities of Rhineland-Palatinate with their official municipality keys (AGS).

Only keys that were checked against the official register are listed; a city whose key is
not certain is left out rather than guessed. Populations are rounded approximations (for
orientation in the UI and the demo data, not statistics) and will drift from the official
figures of the Statistisches Landesamt Rheinland-Pfalz.

SEAT_ADDRESSES holds the postal addresses of the administrations (Stadtverwaltung), for
the letters: from the infoboxes "Adresse der Stadtverwaltung" of the cities' German
Wikipedia articles (as mirrored on the pages found, versions 2020–2024) and the cities' own
pages where they show it (kaiserslautern.de; bingen.de: "Burg Klopp, 55411 Bingen am
Rhein"; idar-oberstein.de: council meetings in the Rathaus, Georg-Maus-Str. 2). Mayen's
Rathaus has no house number ("Rosengasse"); Bad Kreuznach's "Hochstraße 48" comes from an
older mirror (2006) only – check it before production. A city whose address cannot be
confirmed is left without one (the issue of a notice then names what is missing). Mainz: the Rathaus is being
renovated, the infobox gives Große Bleiche 46; Ludwigshafen: the Rathaus tower was
demolished after 2021, Rathausplatz 20 is what the infobox and the city's information point
there give; Trier's administration has no house number ("Am Augustinerhof").
"""

from dataclasses import dataclass

KREISFREIE_STADT = "kreisfreie_stadt"
GROSSE_KREISANGEHOERIGE_STADT = "grosse_kreisangehoerige_stadt"
VERBANDSFREIE_GEMEINDE = "verbandsfreie_gemeinde"


@dataclass(frozen=True)
class MunicipalityData:
    """One row of seed data for the `municipality` table."""

    ags: str
    name: str
    kind: str
    is_city: bool
    population: int  # approximate


CITIES: tuple[MunicipalityData, ...] = (
    # The twelve kreisfreie Städte.
    MunicipalityData("07111000", "Koblenz", KREISFREIE_STADT, True, 114_000),
    MunicipalityData("07211000", "Trier", KREISFREIE_STADT, True, 111_000),
    MunicipalityData("07311000", "Frankenthal (Pfalz)", KREISFREIE_STADT, True, 49_000),
    MunicipalityData("07312000", "Kaiserslautern", KREISFREIE_STADT, True, 101_000),
    MunicipalityData("07313000", "Landau in der Pfalz", KREISFREIE_STADT, True, 47_000),
    MunicipalityData("07314000", "Ludwigshafen am Rhein", KREISFREIE_STADT, True, 173_000),
    MunicipalityData("07315000", "Mainz", KREISFREIE_STADT, True, 219_000),
    MunicipalityData("07316000", "Neustadt an der Weinstraße", KREISFREIE_STADT, True, 54_000),
    MunicipalityData("07317000", "Pirmasens", KREISFREIE_STADT, True, 40_000),
    MunicipalityData("07318000", "Speyer", KREISFREIE_STADT, True, 51_000),
    MunicipalityData("07319000", "Worms", KREISFREIE_STADT, True, 84_000),
    MunicipalityData("07320000", "Zweibrücken", KREISFREIE_STADT, True, 34_000),
    # Große kreisangehörige Städte.
    MunicipalityData("07137003", "Andernach", GROSSE_KREISANGEHOERIGE_STADT, True, 30_000),
    MunicipalityData("07137068", "Mayen", GROSSE_KREISANGEHOERIGE_STADT, True, 19_000),
    MunicipalityData("07138045", "Neuwied", GROSSE_KREISANGEHOERIGE_STADT, True, 65_000),
    MunicipalityData("07133006", "Bad Kreuznach", GROSSE_KREISANGEHOERIGE_STADT, True, 51_000),
    MunicipalityData("07134045", "Idar-Oberstein", GROSSE_KREISANGEHOERIGE_STADT, True, 28_000),
    MunicipalityData("07141075", "Lahnstein", GROSSE_KREISANGEHOERIGE_STADT, True, 18_000),
    MunicipalityData("07339005", "Bingen am Rhein", GROSSE_KREISANGEHOERIGE_STADT, True, 25_000),
    MunicipalityData("07339030", "Ingelheim am Rhein", GROSSE_KREISANGEHOERIGE_STADT, True, 35_000),
    # A verbandsfreie Gemeinde that holds the title of a city.
    MunicipalityData("07334501", "Wörth am Rhein", VERBANDSFREIE_GEMEINDE, True, 18_000),
)


# AGS: (street, postal code, town) of the administration's seat; see the module docstring.
# fmt: off
SEAT_ADDRESSES: dict[str, tuple[str, str, str]] = {
    "07111000": ("Willi-Hörter-Platz 1", "56068", "Koblenz"),
    "07211000": ("Am Augustinerhof", "54290", "Trier"),
    "07311000": ("Rathausplatz 2–7", "67227", "Frankenthal (Pfalz)"),
    "07312000": ("Willy-Brandt-Platz 1", "67657", "Kaiserslautern"),
    "07313000": ("Marktstraße 50", "76829", "Landau in der Pfalz"),
    "07314000": ("Rathausplatz 20", "67059", "Ludwigshafen am Rhein"),
    "07315000": ("Große Bleiche 46", "55116", "Mainz"),
    "07316000": ("Marktplatz 1", "67433", "Neustadt an der Weinstraße"),
    "07317000": ("Exerzierplatzstraße 17", "66953", "Pirmasens"),
    "07318000": ("Maximilianstraße 100", "67346", "Speyer"),
    "07319000": ("Marktplatz 2", "67547", "Worms"),
    "07320000": ("Herzogstraße 1", "66482", "Zweibrücken"),
    "07137003": ("Läufstraße 11", "56626", "Andernach"),
    "07137068": ("Rosengasse", "56727", "Mayen"),
    "07138045": ("Engerser Landstraße 17", "56564", "Neuwied"),
    "07133006": ("Hochstraße 48", "55545", "Bad Kreuznach"),
    "07134045": ("Georg-Maus-Straße 2", "55743", "Idar-Oberstein"),
    "07339005": ("Burg Klopp", "55411", "Bingen am Rhein"),
    "07141075": ("Kirchstraße 1", "56112", "Lahnstein"),
    "07339030": ("Fridtjof-Nansen-Platz 1", "55218", "Ingelheim am Rhein"),
    "07334501": ("Mozartstraße 2", "76744", "Wörth am Rhein"),
}
# fmt: on


def seat_address(ags: str) -> dict:
    """Return street, postal_code and town of the city's administration ({} if unknown)."""
    found = SEAT_ADDRESSES.get(ags)
    return dict(zip(("street", "postal_code", "town"), found, strict=True)) if found else {}


def by_name(name: str) -> MunicipalityData:
    """Return the city called `name`; raise KeyError if it is not listed."""
    for city in CITIES:
        if city.name == name:
            return city
    raise KeyError(name)
