"""Text helpers of the letters: amounts in German words, dates, and text the font can show.

The letters embed one TrueType font (Lato, from the pip package `fontpkg-lato`), as PDF/A
requires. It covers the Latin, Greek and Cyrillic alphabets; any other character is reduced
to its base letter or replaced by "?" (漢, emoji), so odd names never crash the rendering.
"""

import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from num2words import num2words

from ..db_types import CENT


def _words(number: int) -> str:
    """Return `number` in German words as used before a unit ("ein Euro", not "eins Euro")."""
    words = num2words(number, lang="de")
    return words[:-1] if words.endswith("eins") else words


def amount_in_words(amount: Decimal) -> str:
    """Return a euro amount in German words, e.g. "sechzigtausendsiebenhundertfünfzig Euro"."""
    amount = Decimal(amount)
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"{amount} is not an amount of whole cents")
    euros = int(amount)
    cents = int((amount - euros) * 100)
    words = f"{_words(euros)} Euro"
    return f"{words} und {cents} Cent" if cents else words


def german_date(day: date | None) -> str:
    """Return a day as the letters print it (14.05.2019), or "" for None."""
    return day.strftime("%d.%m.%Y") if day is not None else ""


def clean(text: object, shows: Callable[[str], bool] | None = None) -> str:
    """Return `text` reduced to what the font can show (`shows`: the font's coverage)."""
    if shows is None:
        from .fonts import has_glyph as shows
    result = []
    for char in unicodedata.normalize("NFC", "" if text is None else str(text)):
        if char == "\n":
            result.append(char)
        elif unicodedata.category(char).startswith(("C", "Z")):
            result.append(" ")  # tabs, control and format characters, exotic spaces
        elif shows(char):
            result.append(char)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            result.append(base if base and all(shows(c) for c in base) else "?")
    return "".join(result)


def one_line(text: object) -> str:
    """Return `text` cleaned and with its whitespace collapsed to single spaces."""
    return " ".join(clean(text).split())
