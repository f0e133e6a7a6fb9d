"""The page "API-Zugänge": every user lists, creates and revokes their own API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_LABELS
from ..auth import role_required
from ..extensions import db
from ..idempotency import forms as once
from .token_forms import TokenForm
from .tokens import TokenRefused, create_token, revoke_token, tokens_of

bp = Blueprint("tokens", __name__, url_prefix="/konto/api-tokens")
TEMPLATE = "api/tokens.html"
TOKEN_ROLES = tuple(ROLE_LABELS)  # every role; an account waiting for confirmation has none


def _page(form: TokenForm, secret: str | None = None, created=None):
    """Render the token page with the user's tokens (and a new secret, exactly once)."""
    return render_template(
        TEMPLATE, form=form, tokens=tokens_of(current_user), secret=secret, created=created
    )


@bp.route("", methods=["GET"])
@role_required(*TOKEN_ROLES)
def index():
    """List the user's own tokens and offer to create one."""
    return _page(TokenForm())


@bp.route("", methods=["POST"])
@role_required(*TOKEN_ROLES)
def create():
    """Create a token and show its secret on this response only (never stored, never flashed).

    The same form sent again leads to the list: the secret cannot be shown a second time.
    """
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form), 422
    submission = once.claim()
    try:
        token, secret = create_token(current_user, form.name.data)
    except TokenRefused as exc:
        db.session.rollback()
        form.name.errors.append(str(exc))
        return _page(form), 422
    submission.leads_to(url_for("tokens.index"))
    db.session.commit()
    return _page(TokenForm(formdata=None), secret=secret, created=token)


@bp.route("/<int:token_id>/widerrufen", methods=["POST"])
@role_required(*TOKEN_ROLES)
def revoke(token_id: int):
    """Revoke one of the user's own tokens; someone else's is 404."""
    token = revoke_token(current_user, token_id) or abort(404)
    db.session.commit()
    flash(_("Der Token „%(name)s“ wurde widerrufen.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
