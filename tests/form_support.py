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
