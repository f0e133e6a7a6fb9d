"""The URLs of the API's answers, built from a pattern per endpoint instead of `url_for`.

An answer holds several URLs (links, attachments, receipts); `url_for` walks the URL map
and its converters for each. Here the first `url_for` of an endpoint, with marker numbers
for its integer values, gives a pattern (e.g. "/api/v1/applications/{0}/history") that
later calls fill in. A pattern belongs to one app and to what the request's URL adapter
puts in front of a path (script root, server name, subdomain, scheme), so it is kept per
app under exactly these. What the pattern cannot stand for goes to `url_for` as before:
values that are not plain integers, building outside a request, and apps with URL default
functions (they could add values per request).
"""

from flask import url_for
from flask.globals import _cv_request
from werkzeug.routing import BuildError

EXTENSION_KEY = "antrag.api_url_patterns"
# The server name comes from the request's Host header (no SERVER_NAME is configured), so
# the patterns kept are bounded: beyond this many, further URLs come from url_for.
MAX_PATTERNS = 512
# Two sets of marker values: a pattern is kept only if it reproduces the second set exactly.
_MARKERS = (730_192_846_517_000, 861_530_274_193_000)


def api_url(endpoint: str, **values) -> str:
    """Return `url_for(endpoint, **values)` for integer values, from the endpoint's pattern."""
    ctx = _cv_request.get(None)
    adapter = ctx.url_adapter if ctx is not None else None
    if adapter is None:  # outside a request, or a request the URL map could not bind
        return url_for(endpoint, **values)
    for value in values.values():
        if type(value) is not int:
            return url_for(endpoint, **values)
    key = (
        endpoint,
        tuple(values),
        adapter.script_name,
        adapter.server_name,
        adapter.subdomain,
        adapter.url_scheme,
    )
    patterns = ctx.app.extensions.get(EXTENSION_KEY)
    if patterns is None:
        patterns = ctx.app.extensions[EXTENSION_KEY] = {}
    try:
        pattern = patterns[key]
    except KeyError:
        pattern = _pattern(ctx.app, endpoint, tuple(values))
        if len(patterns) < MAX_PATTERNS:
            patterns[key] = pattern
    if pattern is None:
        return url_for(endpoint, **values)
    return pattern.format(*values.values())


def _pattern(app, endpoint: str, names: tuple) -> str | None:
    """Return the endpoint's URL as a format string of its values in order, or None."""
    if any(app.url_default_functions.values()):
        return None
    try:
        built = [
            url_for(endpoint, **{name: base + n for n, name in enumerate(names)})
            for base in _MARKERS
        ]
    except (BuildError, ValueError):  # e.g. a converter that takes no number this large
        return None
    pattern = built[0].replace("{", "{{").replace("}", "}}")
    for n, _name in enumerate(names):
        marker = str(_MARKERS[0] + n)
        if pattern.count(marker) != 1:
            return None
        pattern = pattern.replace(marker, f"{{{n}}}")
    check = [_MARKERS[1] + n for n in range(len(names))]
    return pattern if pattern.format(*check) == built[1] else None
