"""The administrative court competent for an action against a notice of the ministry.

The ministry's competence covers the whole Land, that is several court districts; an
action against its notice therefore goes to the Verwaltungsgericht in whose district the
addressee has its seat (§ 52 Nr. 3 Satz 2 VwGO). Which Landkreise and kreisfreie Städte
form which court's district is Land law (see `SOURCE`). A municipality's district is the
first five digits of its official key (AGS): "07" for Rhineland-Palatinate, then the
district number.
"""

from dataclasses import dataclass

SOURCE = (
    "§ 3 Abs. 2 Landesgesetz über die Gliederung und die Bezirke der Gerichte "
    "(Gerichtsorganisationsgesetz – GerOrgG) Rheinland-Pfalz vom 5. Oktober 1977, "
    "Fassung vom 9. Juli 2010, gültig ab 22. Juli 2010 (Gliederungs-Nr. 300-1), "
    "read on landesrecht.rlp.de. § 1 AGVwGO RLP, which once held the districts, is "
    "repealed. Örtliche Zuständigkeit: § 52 Nr. 3 Satz 2 VwGO."
)
ADDRESS_SOURCE = (
    "The courts' own pages (vgmz.justiz.rlp.de, vgnw.justiz.rlp.de, vgko.justiz.rlp.de, "
    "vgtr.justiz.rlp.de) and the Ministry of Justice's press releases, read 2026-12-04. "
    "Koblenz: the court sits in the Justizzentrum in the Deinhardpassage (jm.rlp.de, press "
    "release on the minister's visit); house number and postcode as the Oberverwaltungsgericht "
    'in the same building publishes them ("Deinhardpassage 1, 56068 Koblenz", contact '
    "lines of its open-source repositories). Trier: Egbertstraße 20a since 1 October 2012 "
    "(Trierischer Volksfreund on the move; de.wikipedia.org, Verwaltungsgericht Trier)."
)


@dataclass(frozen=True)
class Court:
    """A Verwaltungsgericht of Rhineland-Palatinate with its postal address."""

    name: str
    street: str
    postcode_town: str

    @property
    def address(self) -> str:
        """Return name and address on one line, as the appeal instructions print it."""
        return f"{self.name}, {self.street}, {self.postcode_town}"


KOBLENZ = Court("Verwaltungsgericht Koblenz", "Deinhardpassage 1", "56068 Koblenz")
MAINZ = Court("Verwaltungsgericht Mainz", "Ernst-Ludwig-Straße 9", "55116 Mainz")
NEUSTADT = Court(
    "Verwaltungsgericht Neustadt an der Weinstraße",
    "Robert-Stolz-Straße 20",
    "67433 Neustadt an der Weinstraße",
)
TRIER = Court("Verwaltungsgericht Trier", "Egbertstraße 20a", "54295 Trier")
COURTS = (KOBLENZ, MAINZ, NEUSTADT, TRIER)

# District key (Kreisschlüssel) → (name of the district, its court), in the order of
# § 3 Abs. 2 GerOrgG: Nr. 1 Koblenz, Nr. 2 Mainz, Nr. 3 Neustadt, Nr. 4 Trier.
DISTRICTS: dict[str, tuple[str, Court]] = {
    # Nr. 1: die Stadt Koblenz sowie zehn Landkreise.
    "07111": ("Stadt Koblenz", KOBLENZ),
    "07131": ("Landkreis Ahrweiler", KOBLENZ),
    "07132": ("Landkreis Altenkirchen (Westerwald)", KOBLENZ),
    "07133": ("Landkreis Bad Kreuznach", KOBLENZ),
    "07134": ("Landkreis Birkenfeld", KOBLENZ),
    "07135": ("Landkreis Cochem-Zell", KOBLENZ),
    "07137": ("Landkreis Mayen-Koblenz", KOBLENZ),
    "07138": ("Landkreis Neuwied", KOBLENZ),
    "07140": ("Rhein-Hunsrück-Kreis", KOBLENZ),
    "07141": ("Rhein-Lahn-Kreis", KOBLENZ),
    "07143": ("Westerwaldkreis", KOBLENZ),
    # Nr. 2: die Städte Mainz und Worms sowie die Landkreise Alzey-Worms und Mainz-Bingen.
    "07315": ("Stadt Mainz", MAINZ),
    "07319": ("Stadt Worms", MAINZ),
    "07331": ("Landkreis Alzey-Worms", MAINZ),
    "07339": ("Landkreis Mainz-Bingen", MAINZ),
    # Nr. 3: acht Städte und acht Landkreise der Pfalz.
    "07311": ("Stadt Frankenthal (Pfalz)", NEUSTADT),
    "07312": ("Stadt Kaiserslautern", NEUSTADT),
    "07313": ("Stadt Landau in der Pfalz", NEUSTADT),
    "07314": ("Stadt Ludwigshafen am Rhein", NEUSTADT),
    "07316": ("Stadt Neustadt an der Weinstraße", NEUSTADT),
    "07317": ("Stadt Pirmasens", NEUSTADT),
    "07318": ("Stadt Speyer", NEUSTADT),
    "07320": ("Stadt Zweibrücken", NEUSTADT),
    "07332": ("Landkreis Bad Dürkheim", NEUSTADT),
    "07333": ("Donnersbergkreis", NEUSTADT),
    "07334": ("Landkreis Germersheim", NEUSTADT),
    "07335": ("Landkreis Kaiserslautern", NEUSTADT),
    "07336": ("Landkreis Kusel", NEUSTADT),
    "07337": ("Landkreis Südliche Weinstraße", NEUSTADT),
    "07338": ("Rhein-Pfalz-Kreis", NEUSTADT),
    "07340": ("Landkreis Südwestpfalz", NEUSTADT),
    # Nr. 4: die Stadt Trier sowie vier Landkreise.
    "07211": ("Stadt Trier", TRIER),
    "07231": ("Landkreis Bernkastel-Wittlich", TRIER),
    "07232": ("Eifelkreis Bitburg-Prüm", TRIER),
    "07233": ("Landkreis Vulkaneifel", TRIER),
    "07235": ("Landkreis Trier-Saarburg", TRIER),
}


class NoCompetentCourt(ValueError):
    """The key names no municipality of a Rhineland-Palatinate district."""


def competent_court(ags: str) -> Court:
    """Return the Verwaltungsgericht for the municipality with the 8-digit key `ags`.

    Raises:
        NoCompetentCourt: `ags` is not 8 digits, or its first five digits are no
            Landkreis or kreisfreie Stadt of Rhineland-Palatinate.
    """
    if not (isinstance(ags, str) and len(ags) == 8 and ags.isascii() and ags.isdigit()):
        raise NoCompetentCourt(f"{ags!r} is no 8-digit municipality key (AGS)")
    try:
        return DISTRICTS[ags[:5]][1]
    except KeyError:
        raise NoCompetentCourt(
            f"{ags}: {ags[:5]} is no Landkreis or kreisfreie Stadt of Rhineland-Palatinate"
        ) from None
