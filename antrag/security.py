"""The security log: one line per security-relevant event on the logger `antrag.security`.

Each line carries the UTC time, the action, the outcome, the acting user (id and role),
the client IP (`request.remote_addr` as the WSGI server saw it; no forwarding headers are
trusted) and the object concerned. Secrets never go in: details whose names suggest a
password, token, secret or cookie are replaced, so are the secrets of links in the path,
and values are flattened to one line so that nobody can forge log lines through input
(ASVS 7.3.1). Where the lines go is decided in antrag/logs.py.
"""

import logging
import re

from flask import g, has_request_context, request

from .clock import now
from .logs import redact_path

logger = logging.getLogger("antrag.security")
SECRET_WORDS = ("password", "passwort", "token", "secret", "cookie", "hash")
REDACTED = "[entfernt]"
VALUE_MAX = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\s]+")


def security_event(action: str, *, user=None, obj=None, outcome: str = "success", **details):
    """Log one event; `user` defaults to the request's already-loaded user."""
    if user is None and has_request_context():
        user = g.get("_login_user")  # never trigger the user loader from here
    fields = {
        "time": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "action": action,
        "outcome": outcome,
        "user": _user_id(user),
        "role": getattr(user, "role", None) or "-",
        "ip": (request.remote_addr or "-") if has_request_context() else "-",
        "object": _describe(obj),
    }
    if has_request_context():
        fields["method"], fields["path"] = request.method, redact_path(request.path)
        g.security_logged = True
    for key, value in details.items():
        fields[key] = REDACTED if _is_secret(key) else value
    line = " ".join(f"{key}={_clean(value)}" for key, value in fields.items())
    logger.info(line, extra={"security": fields})


def _user_id(user) -> str:
    user_id = getattr(user, "id", None)
    return str(user_id) if user_id is not None else "-"


def _describe(obj) -> str:
    """Name an object as Model:id; strings pass as they are."""
    if obj is None:
        return "-"
    if isinstance(obj, str):
        return obj
    return f"{type(obj).__name__}:{getattr(obj, 'id', '?')}"


def _is_secret(key: str) -> bool:
    return any(word in key.lower() for word in SECRET_WORDS)


def _clean(value) -> str:
    """Return `value` as one bounded token: no line breaks, no spaces, no quotes to break out."""
    text = _UNSAFE.sub("_", str(value if value is not None else "-"))
    return text[:VALUE_MAX] or "-"
