"""The font the letters embed (PDF/A forbids fonts that are not embedded).

Lato 2.015 (SIL Open Font License 1.1) comes with the pip package `fontpkg-lato`, so nothing
beyond pip has to be installed and the bytes of a letter do not depend on the machine.
"""

from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FAMILY = "Lato"
# Only the styles the letters use: each registered font is parsed for every letter.
STYLES = {"": "Lato-Regular.ttf", "B": "Lato-Bold.ttf"}


def font_folder() -> Path:
    """Return the folder holding the TrueType files of the letter font."""
    import fontpkg_lato

    return Path(fontpkg_lato.ROOT) / "files"


def font_path(style: str = "") -> Path:
    """Return the TrueType file of `style` ("" regular, "B" bold)."""
    return font_folder() / STYLES[style]


@cache
def _codepoints() -> frozenset[int]:
    """Return the characters every style of the font has a glyph for."""
    sets = []
    for style in STYLES:
        with TTFont(font_path(style), lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def has_glyph(char: str) -> bool:
    """Return whether every style of the letter font can show `char`."""
    return all(ord(c) in _codepoints() for c in char)
