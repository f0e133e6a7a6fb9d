"""The cities of Rhineland-Palatinate with their official municipality keys (AGS).

Only keys that were checked against the official register are listed; a city whose key is
not certain is left out rather than guessed. Populations are rounded approximations (for
orientation in the UI and the demo data, not statistics) and will drift from the official
figures of the Statistisches Landesamt Rheinland-Pfalz.
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


def by_name(name: str) -> MunicipalityData:
    """Return the city called `name`; raise KeyError if it is not listed."""
    for city in CITIES:
        if city.name == name:
            return city
    raise KeyError(name)
