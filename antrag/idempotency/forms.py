"""One-time tokens of creating forms: a form sent twice creates once.

Each rendering of a creating form carries a fresh token (`{{ submit_once() }}` from
macros.html). The view that creates calls `claim()` after validating and before acting: it
stores the token's hash in the same transaction as the creation, and refuses a token
already stored by raising `AlreadySubmitted`, which leads the person to what the first post
created. A parallel post of the same form waits for the first one's transaction (the unique
constraint on PostgreSQL, the write lock on SQLite) and is then refused as well.

Tokens are signed with the secret key, bound to the account (or to nobody, on public
forms) and expire after FORM_TOKEN_HOURS; a missing, forged or expired one is refused like
an expired CSRF token (`FormExpired`). A refused or failed creation rolls back its claim,
so the corrected form can be sent again.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import now
from ..extensions import db
from .models import FormSubmission

FIELD = "form_token"
SALT = "antrag.form-token"


class AlreadySubmitted(Exception):
    """The form was sent before; `result_url` is the page of what it created (if known)."""

    def __init__(self, result_url: str | None):
        super().__init__(result_url)
        self.result_url = result_url


class FormExpired(Exception):
    """The form's token is missing, not ours, for another account or too old."""


def issue() -> str:
    """Return a fresh token for one rendering of a creating form."""
    payload = [secrets.token_urlsafe(16), _account(), int(now().timestamp())]
    return _serializer().dumps(payload)


def claim() -> FormSubmission:
    """Consume the posted form's token in the current transaction; raise if it was used.

    Call it after the form is validated and before anything is created; then record where
    the result can be seen with `submission.leads_to(url)` before committing.
    """
    digest = hashlib.sha256(_nonce(request.form.get(FIELD)).encode()).hexdigest()
    for _attempt in range(2):
        sent = db.session.scalar(select(FormSubmission).where(FormSubmission.token_hash == digest))
        if sent is not None:
            raise AlreadySubmitted(sent.result_url)
        submission = FormSubmission(
            token_hash=digest, endpoint=(request.endpoint or "")[:100], created_at=now()
        )
        try:
            with db.session.begin_nested():
                db.session.add(submission)
            return submission
        except IntegrityError:
            continue  # a parallel post of this form committed first: read what it created
    raise AlreadySubmitted(None)


def _nonce(token: str | None) -> str:
    """Return the random part of a valid token, or raise FormExpired."""
    if not token or len(token) > 500:
        raise FormExpired()
    try:
        nonce, account, issued = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise FormExpired() from None
    max_age = timedelta(hours=current_app.config["FORM_TOKEN_HOURS"]).total_seconds()
    if account != _account() or int(now().timestamp()) - issued > max_age:
        raise FormExpired()
    return nonce


def _account() -> int | None:
    """Return the id of the logged-in account, or None on a public form."""
    return current_user.id if current_user.is_authenticated else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)
