"""Where a form may send the person on to: the one check against open redirects.

Shared by the login, the second factor, single sign-on, security keys and the language
switch, so that none of them imports another's view module for it.
"""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a local path of this site, else None (no open redirects)."""
    if not target or not target.startswith("/"):
        return None
    # Browsers read a backslash as a slash, so "/\evil.example" would leave the site.
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
