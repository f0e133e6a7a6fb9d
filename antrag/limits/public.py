"""The protection of public forms (no account needed): a honeypot and limits per address.

A public form renders `{{ honeypot() }}` (macros.html): a text field that people never see
or hear (not displayed, hidden from the accessibility tree, out of the tab order) but that
programs filling in every field fill in too. The view asks `is_bot()` before anything
else and answers a filled honeypot as if the form had been sent, storing nothing.

`limit(scope, email)` counts a form about to be stored, per client address and, where
the form has one, per e-mail address (PUBLIC_FORM_MAX_PER_ADDRESS and
PUBLIC_FORM_MAX_PER_EMAIL within PUBLIC_FORM_WINDOW_MINUTES); beyond that it raises
LimitReached, which answers 429 with Retry-After and a contact address.
"""

from datetime import timedelta

from flask import current_app, request

from ..security import security_event
from .rates import LimitReached, client_address, count

HONEYPOT = "website"


def is_bot(scope: str) -> bool:
    """Return whether the honeypot field was filled in (and log it)."""
    if not request.form.get(HONEYPOT, "").strip():
        return False
    security_event("public_form_refused", outcome="honeypot", form=scope)
    return True


def limit(scope: str, email: str | None = None, *, contact: str | None = None) -> None:
    """Count one sending of the form `scope`; raise LimitReached beyond the limits."""
    config = current_app.config
    window = timedelta(minutes=config["PUBLIC_FORM_WINDOW_MINUTES"])
    keys = [("address", client_address(), config["PUBLIC_FORM_MAX_PER_ADDRESS"])]
    if email and email.strip():
        keys.append(("email", email.strip().lower(), config["PUBLIC_FORM_MAX_PER_EMAIL"]))
    for kind, key, most in keys:
        try:
            count(f"{scope}:{kind}", key, most, window)
        except LimitReached as exc:
            security_event("public_form_refused", outcome="rate_limited", form=scope, limit=kind)
            exc.contact = contact
            raise
