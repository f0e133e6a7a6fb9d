"""URL converters and ids: what a URL or a form may name as an id, checked before any query.

An id beyond the integer column (2^31 on PostgreSQL, 2^63 on SQLite) cannot exist, but the
database refuses to even compare with it; a path segment with NUL cannot be sent to
PostgreSQL. `create_app` registers these converters in place of werkzeug's, so every
`<int:…>` and `<…>` argument of every route (HTML and API alike) answers 404 for such values
before a view runs. The refusal is in the converters' regular expressions, not only in
`to_python`: werkzeug checks the method before it converts, so a value refused only there
would answer 405 where another method's rule has the same path.
"""

from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from .input_text import ONE_LINE_REFUSED_CLASS

# The largest value of a database integer column: no id can be larger.
MAX_ID = 2**31 - 1


def parse_id(raw) -> int | None:
    """Return the id written in `raw` (ASCII digits, 1 to MAX_ID), or None for anything else.

    `str.isdigit` alone is not enough: it is true for `²` and `٣`, which `int` refuses or reads.
    """
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def _not_above(limit: str) -> str:
    """Return a regex for the digit strings as long as `limit` that are not above it."""
    if not limit:
        return ""
    first, rest = int(limit[0]), limit[1:]
    options = [f"[0-{first - 1}][0-9]{{{len(rest)}}}"] if first > 0 else []
    options.append(limit[0] + _not_above(rest))
    return "(?:" + "|".join(options) + ")"


def id_regex(maximum: int = MAX_ID) -> str:
    """Return a regex for the ids 1 to `maximum` in plain ASCII digits, without leading zeros."""
    digits = str(maximum)
    first, rest = int(digits[0]), digits[1:]
    options = [f"[1-9][0-9]{{0,{len(rest) - 1}}}"] if rest else []
    if first > 1:
        options.append(f"[1-{first - 1}][0-9]{{{len(rest)}}}")
    options.append(digits[0] + _not_above(rest))
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>`: an id from 1 to MAX_ID in ASCII digits; anything else does not match."""

    regex = id_regex()

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<…>` and `<string:…>`: one path segment of valid one-line text."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", f"[^/{ONE_LINE_REFUSED_CLASS}]", 1)


class TextPathConverter(PathConverter):
    """`<path:…>`: segments of valid one-line text, slashes between them."""

    regex = f"[^/{ONE_LINE_REFUSED_CLASS}][^{ONE_LINE_REFUSED_CLASS}]*?"


CONVERTERS = {
    "int": IdConverter,
    "default": TextConverter,
    "string": TextConverter,
    "path": TextPathConverter,
}
