"""`Prefer: return=minimal` (RFC 7240): a transition answered with the case's new state only.

By default a transition answers with the whole resource in its new state, with the actions
of the caller's role (the guards evaluated again) and its links: about 3 KB for an
application. A client that only needs to know that the transition happened and the
`version` to send next (a script moving many cases) may ask for less with the request
header `Prefer: return=minimal` (RFC 7240 §4.2, "the determination of what constitutes an
appropriate minimal response is solely at the discretion of the server"): it gets `id`,
`state`, `version` and the `self` link, and the header `Preference-Applied: return=minimal`
(§3). Other preferences, and `return` elsewhere than on a transition, are ignored, as §2
asks of preferences a server does not apply.

Parsing follows §2: the header is a comma-separated list (it may come on several lines);
each preference is `token [= value]`, followed by parameters after `;`, which `return` does
not have; preference tokens compare case-insensitively, values case-sensitively, quoted or
not; a preference given more than once counts the first time only.
"""

from flask import request
from werkzeug.http import parse_list_header, unquote_header_value

HEADER = "Prefer"
APPLIED = "Preference-Applied"
MINIMAL = "return=minimal"
# The endpoints that honour `return=minimal`: the transitions of every resource
# (filled in by `resources._register`).
MINIMAL_ENDPOINTS: set[str] = set()


def prefers_minimal() -> bool:
    """Return whether the request's first `return` preference is `minimal`."""
    for line in request.headers.getlist(HEADER):
        for preference in parse_list_header(line):
            token, _, value = preference.split(";", 1)[0].partition("=")
            if token.strip().lower() == "return":
                return unquote_header_value(value.strip()) == "minimal"
    return False


def answers_minimal() -> bool:
    """Return whether this request gets the minimal answer (a transition that prefers it)."""
    return request.endpoint in MINIMAL_ENDPOINTS and prefers_minimal()


def applied(response):
    """Say in `response` that the minimal answer was given; return it."""
    response.headers[APPLIED] = MINIMAL
    return response
