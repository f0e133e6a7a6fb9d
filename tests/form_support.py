"""Reading the one-time tokens of creating forms from a page, as a browser sends them."""

import html
import re
from urllib.parse import urlsplit

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION_RE = re.compile(r'action="([^"#]*)')
FORM_TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')


def form_tokens(page: str, url: str) -> dict[str, str]:
    """Return the one-time token of each creating form on the page, by the path it posts to.

    A form without `action` posts to the page's own address, `url`.
    """
    found = {}
    for attributes, body in FORM_RE.findall(page):
        token = FORM_TOKEN_RE.search(body)
        if token:
            action = ACTION_RE.search(attributes)
            target = html.unescape(action.group(1)) if action and action.group(1) else url
            found[urlsplit(target).path] = token.group(1)
    return found


def project_start(iso: bool = False) -> str:
    """Return a project start after the test round closes (today + 30 days), as a form types it.

    A project starting before the day of submission needs an early start (vorzeitiger
    Maßnahmebeginn); the journeys that do not test that start later.
    """
    from datetime import timedelta

    from antrag.clock import now

    day = now().date() + timedelta(days=40)
    return day.isoformat() if iso else day.strftime("%d.%m.%Y")
