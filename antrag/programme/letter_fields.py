"""What a decision letter needs from a municipality, a programme and a round.

The addressee of a notice is the municipality as a legal person, represented by its head
(§ 47 Abs. 1 GemO RLP), with the postal address of its administration. The head's official
title follows from the kind of municipality:

- § 28 Abs. 2 Satz 2 GemO RLP: in kreisfreie and große kreisangehörige Städte the mayor is
  titled "Oberbürgermeister"; in the other municipalities the title of the office held.
- § 64 Abs. 3 GemO RLP: the mayor of a Verbandsgemeinde is "Bürgermeister", the mayor of an
  Ortsgemeinde "Ortsbürgermeister", of a town belonging to a Verbandsgemeinde
  "Stadtbürgermeister" (VV zu § 28 GemO Nr. 2: such a town keeps the designation "Stadt").
- § 41 Landkreisordnung RLP (LKO): the Landkreis is headed by the "Landrat".

Sources: landesrecht.rlp.de (GemO § 28), kommunalbrevier.de (VV zu § 28 GemO, § 64 Abs. 3
GemO). The title is stored as text (the default is the masculine form; an admin writes
"Oberbürgermeisterin" where a woman holds the office).
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ..formats import typeset_house_numbers

STREET_MAX = 200
TOWN_MAX = 100
HEAD_TITLE_MAX = 100
GUIDELINE_TITLE_MAX = 300
POSTAL_CODE_RE = re.compile(r"^[0-9]{5}$")
# Kapitel: Einzelplan (2 digits) and chapter (2 digits), e.g. "03 01"; Titel: group (3
# digits) and number (2 digits), e.g. "883 01" (Haushaltssystematik of the Land).
BUDGET_CHAPTER_RE = re.compile(r"^([0-9]{2}) ?([0-9]{2})$")
BUDGET_TITLE_RE = re.compile(r"^([0-9]{3}) ?([0-9]{2})$")
_POSTCODE_LINE_RE = re.compile(r"^([0-9]{5})\s+(\S.*)$")
# A line naming the recipient rather than the street ("Stadtverwaltung Speyer").
_RECIPIENT_RE = re.compile(
    r"^(Stadt|Gemeinde|Verbandsgemeinde|Kreis|Ortsgemeinde)(verwaltung)?\b", re.IGNORECASE
)

CITY_KINDS = ("kreisfreie_stadt", "grosse_kreisangehoerige_stadt")
# The designation that precedes the name when the municipality is not a city.
DESIGNATIONS = {
    "verbandsgemeinde": "Verbandsgemeinde",
    "ortsgemeinde": "Ortsgemeinde",
    "verbandsfreie_gemeinde": "Gemeinde",
    "landkreis": "Landkreis",
}
KNOWN_PREFIXES = ("Stadt", "Verbandsgemeinde", "Ortsgemeinde", "Gemeinde", "Landkreis")


def default_head_title(kind: str, is_city: bool) -> str:
    """Return the head's official title by §§ 28 (2), 64 (3) GemO and § 41 LKO."""
    if kind in CITY_KINDS:
        return "Oberbürgermeister"
    if kind == "landkreis":
        return "Landrat"
    if kind == "ortsgemeinde":
        return "Stadtbürgermeister" if is_city else "Ortsbürgermeister"
    return "Bürgermeister"  # Verbandsgemeinde, verbandsfreie Gemeinde or Stadt


def legal_designation(name: str, kind: str, is_city: bool) -> str:
    """Return the name of the legal person: "Stadt Speyer", "Verbandsgemeinde Wörth", …

    A name that already carries its designation ("Stadt Speyer", "Rhein-Pfalz-Kreis") is
    kept as stored.
    """
    name = (name or "").strip()
    if name.startswith(tuple(f"{p} " for p in KNOWN_PREFIXES)):
        return name
    if kind == "landkreis" and re.search(r"[Kk]reis\b", name):
        return name
    if is_city or kind in CITY_KINDS:
        return f"Stadt {name}"
    return f"{DESIGNATIONS.get(kind, 'Gemeinde')} {name}"


def represented_by(head_title: str | None) -> str | None:
    """Return "vertreten durch den Oberbürgermeister" (or "die …in")."""
    title = (head_title or "").strip()
    if not title:
        return None
    article = "die" if title.endswith("in") else "den"
    return f"vertreten durch {article} {title}"


@dataclass(frozen=True)
class ParsedAddress:
    """A postal address split into street (with number), postal code and town."""

    street: str
    postal_code: str
    town: str


def parse_address(text: str | None) -> ParsedAddress | None:
    """Split "Stadtverwaltung Speyer, Maximilianstraße 100, 67346 Speyer" (commas or lines).

    The last part must be "<5 digits> <town>" and the part before it is the street (not a
    recipient such as "Stadtverwaltung …", which is dropped when it comes first). Return None when it does not
    parse, so that nothing is guessed.
    """
    parts = [p.strip() for p in re.split(r"[\n,]", text or "") if p.strip()]
    if len(parts) < 2:
        return None
    match = _POSTCODE_LINE_RE.match(parts[-1])
    if match is None or _RECIPIENT_RE.match(parts[-2]):
        return None
    return ParsedAddress(parts[-2], match.group(1), match.group(2).strip())


def postal_address(street: str | None, postal_code: str | None, town: str | None) -> str | None:
    """Return the address block "Street 1\\n12345 Town", or None while a part is missing."""
    if not (street and postal_code and town):
        return None
    return f"{typeset_house_numbers(street)}\n{postal_code} {town}"


def check_addressee(values: dict, errors: dict) -> None:
    """Normalise and check head title, street, postal code and town (all optional)."""
    for field, limit in (("head_title", HEAD_TITLE_MAX), ("street", STREET_MAX),
                         ("town", TOWN_MAX)):  # fmt: skip
        text = " ".join((values.get(field) or "").split()) or None
        values[field] = text
        if text and len(text) > limit:
            errors[field] = _("Höchstens %(count)s Zeichen.", count=limit)
    code = (values.get("postal_code") or "").strip() or None
    values["postal_code"] = code
    if code and not POSTAL_CODE_RE.match(code):
        errors["postal_code"] = _("Die Postleitzahl hat genau 5 Ziffern, zum Beispiel 67346.")


def check_guideline(values: dict, errors: dict) -> None:
    """Normalise and check the funding guideline's title and date (both optional)."""
    title = " ".join((values.get("guideline_title") or "").split()) or None
    values["guideline_title"] = title
    if title and len(title) > GUIDELINE_TITLE_MAX:
        errors["guideline_title"] = _("Höchstens %(count)s Zeichen.", count=GUIDELINE_TITLE_MAX)
    if values.get("guideline_date") is not None and not title:
        errors["guideline_title"] = _("Bitte geben Sie auch den Titel der Förderrichtlinie an.")


def check_budget_item(values: dict, errors: dict) -> None:
    """Normalise Kapitel ("0301" → "03 01") and Titel ("88301" → "883 01"); both optional."""
    for field, pattern, message in (
        ("budget_chapter", BUDGET_CHAPTER_RE,
         _("Das Kapitel hat 4 Ziffern (Einzelplan und Kapitel), zum Beispiel 03 01.")),
        ("budget_title", BUDGET_TITLE_RE,
         _("Der Titel hat 5 Ziffern (Gruppe und Nummer), zum Beispiel 883 01.")),
    ):  # fmt: skip
        text = (values.get(field) or "").strip() or None
        if text is None:
            values[field] = None
            continue
        match = pattern.match(text)
        if match is None:
            errors[field] = message
            values[field] = text
        else:
            values[field] = f"{match.group(1)} {match.group(2)}"
