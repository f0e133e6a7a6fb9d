"""Single sign-on: "Mit Dienstkonto anmelden" sends the person to the identity provider,
which sends them back to the callback with a code (authorization code flow with PKCE).

Every refusal renders a clear German page (never a 500) and one line in the security log.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..redirects import safe_next
from ..security import security_event
from . import oidc_client
from .login_completion import complete_login
from .oidc_accounts import account_for, second_factor_asserted
from .oidc_client import OidcRefused
from .oidc_models import OidcLoginRequest
from .second_factor import begin_pending, has_second_factor

bp = Blueprint("oidc", __name__)
STATE_KEY = "oidc_state"
ACCOUNT_REASONS = {"unknown_account", "email_unverified", "no_email", "inactive"}
ACCOUNT_REASONS |= {"role_mismatch", "subject_mismatch", "subject_taken"}
PROVIDER_REASONS = {"provider_unreachable", "provider_misconfigured"}
MESSAGES = {
    "unknown_account": _l(
        "Zu der E-Mail-Adresse, die Ihr Identitätsprovider übermittelt, gibt es in Antrag kein "
        "Konto. Ein Konto muss vor der ersten Anmeldung angelegt oder eingeladen sein; bitte "
        "wenden Sie sich an die Administration."
    ),
    "email_unverified": _l(
        "Ihr Identitätsprovider hat keine bestätigte E-Mail-Adresse übermittelt. Die Anmeldung "
        "ist nur mit einer bestätigten E-Mail-Adresse möglich."
    ),
    "inactive": _l(
        "Ihr Konto in Antrag ist gesperrt. Bitte wenden Sie sich an die Administration."
    ),
    "role_mismatch": _l(
        "Die Rolle, die Ihr Identitätsprovider übermittelt, passt nicht zu Ihrer Rolle in "
        "Antrag. Rollen vergibt nur die Administration von Antrag; bitte wenden Sie sich an sie."
    ),
    "subject_mismatch": _l(
        "Dieses Konto ist mit einer anderen Person beim Identitätsprovider verbunden. Bitte "
        "wenden Sie sich an die Administration."
    ),
    "provider": _l(
        "Der Identitätsprovider ist zurzeit nicht erreichbar oder nicht richtig eingerichtet. "
        "Bitte versuchen Sie es später erneut."
    ),
    "protocol": _l(
        "Die Anmeldung über den Identitätsprovider konnte nicht bestätigt werden: Sie war "
        "abgelaufen, wurde bereits verwendet oder stammt nicht vom eingerichteten Anbieter. "
        "Bitte melden Sie sich erneut an."
    ),
}
MESSAGES["no_email"] = MESSAGES["email_unverified"]
MESSAGES["subject_taken"] = MESSAGES["subject_mismatch"]


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _redirect_uri() -> str:
    return url_for("oidc.callback", _external=True)


def _require_enabled() -> None:
    if not oidc_client.enabled(current_app.config):
        abort(404)


@bp.route("/anmelden/dienstkonto", methods=["POST"])
def start():
    """Send the person to the provider with a fresh state, nonce and PKCE verifier."""
    _require_enabled()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    try:
        url = oidc_client.authorization_url(
            _redirect_uri(), state=state, nonce=nonce, verifier=verifier
        )
    except OidcRefused as refusal:
        return _refused(refusal)
    next_url = safe_next(request.args.get("next"))
    db.session.add(
        OidcLoginRequest(
            state_hash=_hash(state), nonce=nonce, code_verifier=verifier, next_url=next_url
        )
    )
    db.session.commit()
    session[STATE_KEY] = state
    return redirect(url)


@bp.route("/anmelden/dienstkonto/rueckkehr")
def callback():
    """Take the provider's answer: check state, code, ID token and account; then log in."""
    _require_enabled()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    try:
        pending = _use_request()
        _check_response()
        tokens = oidc_client.exchange_code(
            _redirect_uri(), request.args["code"], pending.code_verifier
        )
        claims = oidc_client.validate_id_token(tokens, pending.nonce)
        user = account_for(claims)
    except IntegrityError:  # two first logins of one subject at once: the constraint decides
        return _refuse_after_rollback(OidcRefused("subject_taken"))
    except OidcRefused as refusal:
        return _refuse_after_rollback(refusal)
    asserted = second_factor_asserted(claims)
    if asserted is None and has_second_factor(user):
        # The provider did not assert a second factor: Antrag's own is asked next.
        begin_pending(user, pending.next_url, via="oidc")
        db.session.commit()
        return redirect(url_for("second_factor.login_totp"))
    complete_login(user, "oidc", second_factor=asserted)
    return redirect(pending.next_url or url_for("main.index"))


def _use_request() -> OidcLoginRequest:
    """Return the pending login named by the state, marking it used (once, in the database)."""
    state = request.args.get("state")
    expected = session.get(STATE_KEY)
    if not state or not isinstance(expected, str) or not hmac.compare_digest(state, expected):
        raise OidcRefused("state_mismatch")
    pending = db.session.scalar(
        select(OidcLoginRequest).where(OidcLoginRequest.state_hash == _hash(state))
    )
    if pending is None:
        raise OidcRefused("state_unknown")
    used = db.session.execute(
        update(OidcLoginRequest)
        .where(OidcLoginRequest.id == pending.id, OidcLoginRequest.used_at.is_(None))
        .values(used_at=utcnow())
    )
    db.session.commit()  # used even if what follows is refused
    if used.rowcount != 1:
        raise OidcRefused("state_replayed")
    limit = timedelta(minutes=current_app.config["OIDC_LOGIN_MINUTES"])
    if utcnow() - pending.created_at > limit:
        raise OidcRefused("login_expired")
    return pending


def _check_response() -> None:
    """Refuse an error answer, a missing code, or an answer naming another issuer (RFC 9207)."""
    if request.args.get("error"):
        raise OidcRefused("provider_error", request.args["error"])
    if not request.args.get("code"):
        raise OidcRefused("no_code")
    issuer = request.args.get("iss")
    advertised = oidc_client.metadata().get("authorization_response_iss_parameter_supported")
    if (issuer or advertised) and issuer != current_app.config["OIDC_ISSUER"]:
        raise OidcRefused("wrong_issuer", f"iss parameter {issuer!r}")


def _refuse_after_rollback(refusal: OidcRefused):
    db.session.rollback()  # the login request stays used: it was committed on its own
    session.pop(STATE_KEY, None)
    return _refused(refusal)


def _refused(refusal: OidcRefused):
    """Log the refusal and show the page that says what to do."""
    security_event(
        "login", outcome="failure", via="oidc", reason=refusal.reason, detail=refusal.detail
    )
    if refusal.reason in ACCOUNT_REASONS:
        message, status = MESSAGES[refusal.reason], 403
    elif refusal.reason in PROVIDER_REASONS:
        message, status = MESSAGES["provider"], 503
    else:
        message, status = MESSAGES["protocol"], 400
    return render_template("accounts/oidc_refused.html", message=message), status
