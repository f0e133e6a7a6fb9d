"""The one rule for every text that enters Antrag: forms, the JSON API, transition comments, URLs.

One-line text (a name, a subject line, an e-mail address, a path segment) holds no control
character at all, and no line or paragraph separator: a line break in a name would split a
mail header or a CSV row. Multi-line text (a description, a comment) may hold line breaks
(`\\n` or `\\r\\n`) and tabs, and no other control character. Everywhere refused: NUL
(PostgreSQL cannot store it), lone surrogates (no UTF-8 encodes them), the Unicode
noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE and U+FFFF
among them) and so everything else XML 1.0 cannot hold, because stored text ends up in XLSX
exports, mails and PDFs. `xml_safe` cleans text stored before this rule for such outputs.
"""

import re

from flask_babel import gettext

from .i18n import N_

# German msgids; `text_problem` returns them in the reader's language.
CONTROL_MESSAGE = N_(
    "Die Eingabe enthält unzulässige Steuerzeichen (zum Beispiel ein Nullbyte). "
    "Bitte entfernen Sie diese."
)
LINE_MESSAGE = N_(
    "Bitte geben Sie hier nur eine Zeile ein, ohne Zeilenumbrüche oder Steuerzeichen."
)
UNICODE_MESSAGE = N_(
    "Die Eingabe enthält Zeichen, die kein gültiger Text sind (ungültiges Unicode, zum "
    "Beispiel U+FFFE). Bitte entfernen Sie diese."
)

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}-{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_NOT_UNICODE_TEXT = re.compile(f"[\ud800-\udfff{_NONCHARACTERS}]")
# Cc (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_ONE_LINE_REFUSED = re.compile(f"[{_CONTROLS}]")
# The characters one-line text never holds, as the body of a regular expression's [...] class.
ONE_LINE_REFUSED_CLASS = f"{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}"
# Cc except tab and line feed, and a carriage return that does not start a CRLF.
_MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# What an XML 1.0 document cannot hold, and the noncharacters.
_NOT_FOR_XML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff{_NONCHARACTERS}]")
REPLACEMENT = "\ufffd"


def problem_msgid(text: str, *, multiline: bool) -> str | None:
    """Return the untranslated message for a text Antrag does not take in, or None when fine."""
    if "\x00" in text:
        return CONTROL_MESSAGE
    if _NOT_UNICODE_TEXT.search(text):
        return UNICODE_MESSAGE
    if multiline:
        return CONTROL_MESSAGE if _MULTI_LINE_REFUSED.search(text) else None
    return LINE_MESSAGE if _ONE_LINE_REFUSED.search(text) else None


def text_problem(text: str, *, multiline: bool) -> str | None:
    """Return the German (or English) field message for a text Antrag refuses, or None."""
    msgid = problem_msgid(text, multiline=multiline)
    return gettext(msgid) if msgid else None


def xml_safe(text: str) -> str:
    """Return `text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_FOR_XML.sub(REPLACEMENT, text)
