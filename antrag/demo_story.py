"""The seed story told by `flask demo load`, as data: accounts, rounds and each city's steps.

The people, phone numbers and council dates are invented; the cities and their official
keys are real (see `antrag.programme.rlp_municipalities`).
"""

from dataclasses import dataclass

MINISTRY = "Ministerium des Innern und für Sport Rheinland-Pfalz"
KL_DIGITAL = "KL.digital GmbH"
PROGRAMME = "Interkommunales Netzwerk Digitale Stadt"
PROGRAMME_DESCRIPTION = (
    "Das Ministerium des Innern und für Sport fördert ein Netzwerk von Städten, die sich "
    "gegenseitig bei der Digitalisierung unterstützen. Die Stadt Kaiserslautern begleitet das "
    "Netzwerk, ihre Gesellschaft KL.digital GmbH gibt ihr Wissen als Mentorin weiter."
)
STANDARD_AMOUNT = "60750.00"
# DEMO VALUES, not facts: no published funding guideline of the network was found (the
# ministry funds it under §§ 23, 44 LHO), and the budget item of the state budget
# (Einzelplan 03, Ministerium des Innern und für Sport) is invented. An administrator
# replaces both under "Programme und Runden".
GUIDELINE_TITLE = (
    "Grundsätze des Ministeriums des Innern und für Sport für die Förderung des "
    "Interkommunalen Netzwerks Digitale Stadt (Demo-Angabe)"
)
GUIDELINE_DATE = "2019-01-14"
BUDGET_CHAPTER, BUDGET_TITLE = "03 01", "883 01"
RECENT = "recent"  # a council resolution dated a week before the form was filled


@dataclass(frozen=True)
class Account:
    """A demo login that is not a city's: the ministry, KL.digital and the administration."""

    key: str
    email: str
    name: str
    role: str
    organisation: str
    created: str  # "YYYY-MM-DD HH:MM", Berlin time


STAFF = (
    Account("admin", "admin@antrag.example", "Sabine Fischer", "admin", MINISTRY,
            "2019-01-14 09:00"),
    Account("r1", "katrin.weber@mdi.example", "Dr. Katrin Weber", "reviewer", MINISTRY,
            "2019-01-14 09:10"),
    Account("r2", "thomas.schneider@mdi.example", "Thomas Schneider", "reviewer", MINISTRY,
            "2019-01-14 09:15"),
    Account("m1", "jana.hoffmann@kl-digital.example", "Jana Hoffmann", "mentor", KL_DIGITAL,
            "2019-01-15 10:00"),
    Account("m2", "markus.becker@kl-digital.example", "Markus Becker", "mentor", KL_DIGITAL,
            "2019-01-15 10:05"),
)  # fmt: skip

# Signing authority (Zeichnungsbefugnis) and the mentors' capacity and fields of action.
STAFF_DUTIES = {
    # The signature block of the notices (invented unit and extensions).
    "r1": {
        "function": "Referentin",
        "unit": "Referat 35 – Kommunale Digitalisierung",
        "phone": "06131 16-3517",
    },
    "r2": {
        "can_sign": True,
        "function": "Referatsleiter",
        "unit": "Referat 35 – Kommunale Digitalisierung",
        "phone": "06131 16-3512",
    },
    "m1": {"mentor_capacity": 4, "mentor_topics": ("verwaltung", "beteiligung", "bildung")},
    "m2": {
        "mentor_capacity": 4,
        "mentor_topics": ("mobilitaet", "energie_umwelt", "infrastruktur", "wirtschaft_handel"),
    },
}


@dataclass(frozen=True)
class RoundSpec:
    """A round of the programme; the open round's dates follow today (see demo.py)."""

    key: str
    name: str
    opens: str | None
    closes: str | None
    budget: str
    eligibility: str
    invited: tuple[str, ...]  # AGS
    created: str | None


ROUNDS = (
    RoundSpec("pilot", "Pilotrunde 2019", "2019-02-01", "2019-03-31", "243000.00", "invited",
              ("07318000", "07137003", "07320000", "07334501"), "2019-01-14 10:00"),
    RoundSpec("second", "Zweite Runde 2019", "2019-09-02", "2019-11-29", "121500.00", "invited",
              ("07133006", "07317000"), "2019-08-26 10:00"),
    RoundSpec("open", "Offene Runde", None, None, "1215000.00", "all_cities", (), None),
)  # fmt: skip


@dataclass(frozen=True)
class CityStory:
    """One city's officer, the content of its application and what happened when.

    `steps` are (when, action, actor, comment): `when` is "YYYY-MM-DD HH:MM" (Berlin) or,
    in the open round, a number of days before today; `action` is `account`, `start`,
    `fill`, `revise`, a trigger of the membership workflow, `notice:<trigger>` or
    `mentoring:<trigger>` (fired on the application's notice or newest mentoring
    assignment; a kick-off's comment is its date), `call_off:<amount>` to request funds or
    `call_off:<trigger>` for the newest call-off, `reclaim:<amount>` to open a reclaim for a
    purpose not met (the comment its facts) or `reclaim:<trigger>` for the newest one; `actor` is `city`, `r1`, `r2` or `mentor`
    (the assignment's mentor). Project periods written as "+1-MM-DD" fall in the year after the demo is loaded.
    """

    round_key: str
    ags: str
    email: str
    officer: str
    function: str
    phone: str
    head: str | None
    own_contribution: str | None
    projects: tuple = ()  # (title, field of action, start, end, cost, description)
    resolution: str | None = None  # date of the council's decision, as written on the PDF
    declarations: bool = True
    steps: tuple = ()
    revision: str | None = None  # project 1's description after the change request
    early_start: str | None = None  # the reason of a requested early start (vorzeitiger Beginn)


APPROVAL = (
    "Antrag vollständig, Ratsbeschluss liegt vor, die Projekte passen zu den Zielen des "
    "Netzwerks. Bewilligung des Regelbetrags von 60.750,00 € empfohlen."
)
RECLAIM_REASON = (
    "Die Stadt hat mitgeteilt, dass das Projekt „Parkleitsystem Altstadt“ nicht umgesetzt "
    "wird. Der darauf entfallende Teil der ausgezahlten Mittel (8.000,00 €) wurde nicht für "
    "den Zuwendungszweck verwendet."
)
# The officers who waive declare for their city by a power of attorney (§ 47 GemO RLP).
REPRESENTS_AS = "bevollmächtigt durch Vollmacht der Stadtspitze vom 02.05.2019"
WAIVER = "Wir verzichten auf die Einlegung von Rechtsbehelfen gegen den Zuwendungsbescheid."
# The ministry allows Andernach's early start (VV Nr. 1.3 zu § 44 LHO).
EARLY_START_NOTE = (
    "Vorzeitiger Maßnahmebeginn für „Essbare Stadt digital“ zugelassen; ein Anspruch auf "
    "die Zuwendung folgt daraus nicht."
)
CHANGES = (
    "Bitte schlüsseln Sie die Kosten der Digitalen Gremienarbeit nach Geräten, Software und "
    "Schulung auf."
)

# A table reads better than the formatter's one-value-per-line layout.
# fmt: off
STORIES = (
    CityStory(
        "pilot", "07318000", "digital@speyer.example", "Martina Keller",
        "Leiterin der Stabsstelle Digitalisierung", "06232 14-2780",
        "Oberbürgermeisterin Dr. Claudia Brandt", "6750.00",
        (("Digitales Bürgerbüro", "verwaltung", "2019-06-01", "2020-06-30", "38500.00",
          "Online-Terminvergabe, digitale Antragsstrecken für Meldebescheinigungen und "
          "Anwohnerparkausweise, ein Selbstbedienungsterminal im Rathausfoyer."),
         ("Parkleitsystem Altstadt", "mobilitaet", "2019-09-01", "2020-12-31", "29000.00",
          "Sensoren melden freie Plätze der Parkhäuser an Anzeigetafeln und die Stadt-App; "
          "die Daten erscheinen als Open Data.")),
        "21.02.2019",
        steps=(("2019-02-04 09:20", "account", "city", None),
               ("2019-02-11 09:30", "start", "city", None),
               ("2019-03-05 14:10", "fill", "city", None),
               ("2019-03-07 11:00", "submit", "city", None),
               ("2019-03-12 10:15", "start_review", "r1", None),
               ("2019-04-02 15:40", "propose_approval", "r1", APPROVAL),
               ("2019-04-04 09:05", "approve", "r2", "Mitgezeichnet."),
               ("2019-04-09 14:00", "mentoring:accept", "mentor", None),
               ("2019-05-14 10:00", "mentoring:kick_off", "mentor", "2019-05-14"),
               ("2019-05-14 11:30", "notice:issue", "r2", None),
               ("2019-05-20 09:00", "notice:waive_appeal", "city", WAIVER),
               ("2019-07-01 10:00", "call_off:30000.00", "city", "Erste Tranche Bürgerbüro"),
               ("2019-07-03 11:00", "call_off:check", "r1", None),
               ("2019-07-04 09:30", "call_off:release", "r2", None),
               ("2019-07-09 08:45", "call_off:confirm_payment", "r1", None),
               # Project 2 (Parkleitsystem) was given up: the ministry reclaims its share.
               (12, "reclaim:8000.00", "r1", RECLAIM_REASON),
               (10, "reclaim:send_hearing", "r1", None)),
    ),
    CityStory(
        "pilot", "07137003", "digital@andernach.example", "Stefan Wagner",
        "Digitalisierungsbeauftragter", "02632 922-150",
        "Oberbürgermeister Michael Adams", "11250.00",
        (("Digitale Gremienarbeit", "verwaltung", "2019-07-01", "2020-03-31", "30000.00",
          "Ratsinformationssystem mit Tablets für Stadtrat und Ausschüsse; Sitzungsunterlagen "
          "nur noch digital."),
         ("Essbare Stadt digital", "energie_umwelt", "2019-05-01", "2020-10-31", "42000.00",
          "Bodenfeuchte- und Wettersensoren steuern die Bewässerung der öffentlichen Beete; "
          "eine Karte zeigt, was geerntet werden darf.")),
        "19.02.2019",
        steps=(("2019-02-05 10:00", "account", "city", None),
               ("2019-02-12 08:45", "start", "city", None),
               ("2019-03-13 16:20", "fill", "city", None),
               ("2019-03-14 10:30", "submit", "city", None),
               ("2019-03-18 09:20", "start_review", "r1", None),
               ("2019-03-19 10:30", "approve_early_start", "r1", EARLY_START_NOTE),
               ("2019-03-25 11:05", "request_changes", "r1", CHANGES),
               ("2019-04-01 14:30", "revise", "city", None),
               ("2019-04-02 08:50", "resubmit", "city", "Kostenaufstellung ergänzt."),
               ("2019-04-09 13:15", "propose_approval", "r1", APPROVAL),
               ("2019-04-11 10:40", "approve", "r2", "Mitgezeichnet."),
               ("2019-04-16 09:00", "mentoring:accept", "mentor", None),
               ("2019-05-14 10:05", "mentoring:kick_off", "mentor", "2019-05-14"),
               ("2019-05-14 11:35", "notice:issue", "r2", None),
               ("2019-05-27 15:00", "notice:waive_appeal", "city", WAIVER),
               ("2019-08-01 10:00", "call_off:20000.00", "city", "Tablets für den Stadtrat")),
        revision="Ratsinformationssystem mit Tablets für Stadtrat und Ausschüsse; "
                 "Sitzungsunterlagen nur noch digital. Kosten: 18.000 € Geräte, 8.000 € "
                 "Software, 4.000 € Schulung.",
        early_start="Die Sensoren müssen vor der Pflanzsaison im Mai gesetzt werden; der "
                    "Auftrag soll Ende April vergeben werden, vor dem Förderbescheid.",
    ),
    CityStory(
        "pilot", "07320000", "digital@zweibruecken.example", "Laura Becker",
        "Sachgebietsleiterin E-Government", "06332 871-230",
        "Oberbürgermeister Frank Lorenz", "6750.00",
        (("Open-Data-Portal", "beteiligung", "2019-06-01", "2020-05-31", "35000.00",
          "Haushalt, Baustellen, Parkplätze und Veranstaltungen als offene Daten mit "
          "Schnittstellen; dazu ein Bürgerhaushalt online."),
         ("Freies WLAN in der Innenstadt", "infrastruktur", "2019-06-01", "2019-12-31",
          "32500.00", "Öffentliches WLAN in der Fußgängerzone, am Herzogplatz und im "
          "Rosengarten.")),
        "26.02.2019",
        steps=(("2019-02-06 11:30", "account", "city", None),
               ("2019-02-14 10:00", "start", "city", None),
               ("2019-03-19 15:00", "fill", "city", None),
               ("2019-03-20 09:40", "submit", "city", None),
               ("2019-03-22 14:00", "start_review", "r1", None),
               ("2019-04-16 10:20", "propose_approval", "r1", APPROVAL),
               ("2019-04-18 11:45", "approve", "r2", "Mitgezeichnet."),
               ("2019-04-24 10:30", "mentoring:accept", "mentor", None),
               ("2019-05-14 10:10", "mentoring:kick_off", "mentor", "2019-05-14"),
               ("2019-05-14 11:40", "notice:issue", "r2", None),
               ("2019-05-22 08:45", "notice:waive_appeal", "city", WAIVER)),
    ),
    CityStory(
        "pilot", "07334501", "digital@woerth.example", "Daniel Schäfer",
        "Leiter des Hauptamts", "07271 131-120", "Bürgermeister Jürgen Vogel", "9250.00",
        (("Hochwasser-Frühwarnung am Rhein", "sicherheit", "2019-06-01", "2020-06-30",
          "45000.00", "Pegelsensoren an Altrhein und Hafen; automatische Warnungen an "
          "Feuerwehr und Bevölkerung über die Warn-App."),
         ("Digitale Grundschulen", "bildung", "2019-08-01", "2020-07-31", "25000.00",
          "WLAN und Präsentationstechnik für die Grundschulen der Stadt, Schulungen für die "
          "Lehrkräfte.")),
        "14.03.2019",
        steps=(("2019-02-07 09:00", "account", "city", None),
               ("2019-02-18 13:10", "start", "city", None),
               ("2019-03-27 17:05", "fill", "city", None),
               ("2019-03-28 10:10", "submit", "city", None),
               ("2019-04-01 09:30", "start_review", "r1", None),
               ("2019-04-23 14:50", "propose_approval", "r1", APPROVAL),
               ("2019-04-25 09:15", "approve", "r2", "Mitgezeichnet."),
               ("2019-04-30 13:00", "mentoring:accept", "mentor", None),
               # Posted Tue 14.05.2019, made known Fri 17.05.2019 (§ 41 (2) VwVfG, then the
               # third day); the action period ended Mon 17.06.2019: the timer's run after
               # midnight made the notice final.
               ("2019-05-14 11:45", "notice:issue", "r2", None),
               ("2019-06-18 00:15", "notice:become_final", "system", None)),
    ),
    CityStory(
        "second", "07133006", "digital@bad-kreuznach.example", "Anna Schmitt",
        "Chief Digital Officer", "0671 800-310", "Oberbürgermeisterin Petra Hartmann",
        "14250.00",
        (("E-Akte in der Bauverwaltung", "verwaltung", "2020-01-01", "2020-12-31", "48000.00",
          "Elektronische Akte im Bauamt, digitale Bauanträge und Beteiligung der "
          "Fachbehörden online."),
         ("Digitaler Kurpark-Rundgang", "kultur_tourismus", "2020-03-01", "2020-10-31",
          "27000.00", "Mehrsprachiger Audioguide und barrierefreie Karte für Kurpark, "
          "Salinental und Altstadt.")),
        "26.09.2019",
        steps=(("2019-09-09 10:00", "account", "city", None),
               ("2019-09-16 11:20", "start", "city", None),
               ("2019-10-21 15:30", "fill", "city", None),
               ("2019-10-24 09:45", "submit", "city", None),
               ("2019-11-04 10:05", "start_review", "r2", None)),
    ),
    CityStory(
        "second", "07317000", "digital@pirmasens.example", "Jonas Meyer",
        "Leiter der Stabsstelle Digitale Stadt", "06331 84-2210",
        "Oberbürgermeister Klaus Bauer", "6750.00",
        (("Online-Marktplatz für den Einzelhandel", "wirtschaft_handel", "2020-01-01",
          "2020-12-31", "40000.00", "Gemeinsame Plattform der Innenstadtgeschäfte mit "
          "Lieferung am selben Tag."),
         ("Digitale Pflegeberatung", "gesundheit_pflege", "2020-02-01", "2020-12-31",
          "27500.00", "Videosprechstunde des Pflegestützpunkts und Übersicht freier Plätze in "
          "Tages- und Kurzzeitpflege.")),
        "07.10.2019",
        steps=(("2019-09-10 09:30", "account", "city", None),
               ("2019-09-23 14:00", "start", "city", None),
               ("2019-11-18 16:40", "fill", "city", None),
               ("2019-11-21 10:25", "submit", "city", None)),
    ),
    # The open round: Mainz is ready to submit, Trier half done, Landau has just begun.
    CityStory(
        "open", "07315000", "digital@mainz.example", "Sophie Wolf",
        "Referentin für Digitalisierung", "06131 12-3456",
        "Oberbürgermeister Andreas Lang", "29250.00",
        (("Digitaler Zwilling der Innenstadt", "infrastruktur", "+1-01-01", "+1-12-31",
          "55000.00", "3D-Stadtmodell mit Leitungs-, Verkehrs- und Klimadaten als Grundlage "
          "für Planung und Bürgerinformation."),
         ("Beteiligungsplattform", "beteiligung", "+1-03-01", "+1-12-31", "35000.00",
          "Barrierefreie Online-Beteiligung zu Bebauungsplänen und zum Bürgerhaushalt.")),
        RECENT,
        steps=((40, "account", "city", None), (35, "start", "city", None),
               (12, "fill", "city", None)),
    ),
    CityStory(
        "open", "07211000", "digital@trier.example", "Paul Richter",
        "Amt für Digitalisierung", "0651 718-1234", "Oberbürgermeister Martin Klein", None,
        (("Smarte Straßenbeleuchtung", "energie_umwelt", None, None, None,
          "Bedarfsgesteuerte LED-Beleuchtung in den Wohngebieten."),),
        None, declarations=False,
        steps=((20, "account", "city", None), (18, "start", "city", None),
               (6, "fill", "city", None)),
    ),
    CityStory(
        "open", "07313000", "digital@landau.example", "Lea Hofmann",
        "Digitalisierungsbeauftragte", None, None, None, declarations=False,
        steps=((5, "account", "city", None), (2, "start", "city", None),
               (2, "fill", "city", None)),
    ),
)
# fmt: on
