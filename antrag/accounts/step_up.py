"""Step-up: a fresh second factor before signing, releasing money or deciding a reclaim.

The engine asks `check` (registered in `engine.registry.ACTOR_CHECKS`) after a transition's
guards have passed and before anything is written; which transitions need it is policy
(`engine.policy.needs_step_up`), so no workflow file can drop it. Requests only: timers and
the CLI (run by operators on the server) are not asked.

- Web: the session must have passed a second factor within SECOND_FACTOR_STEP_UP_MINUTES
  (`recent_enough`). If not, the posted form is kept in the session and the person is sent
  to the second-factor page; passing it sends the form again to where it was going (a 307
  redirect that repeats the POST), so nothing typed is lost (files excepted: a posted file
  is not kept, and the page says so).
- API: a token is one long-lived secret and proves no second factor. A request that fires
  such a transition must carry the current code of the account's authenticator app in the
  header `X-Second-Factor` (as e.g. GitHub's `X-GitHub-OTP`); the code is checked like at
  login (once per time step, throttled). Without it: 401 `second_factor_required`; an
  account without an authenticator app: 403 `second_factor_missing`.
"""

from flask import g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _

from ..engine.errors import EngineError
from ..engine.policy import needs_step_up
from ..extensions import db
from ..security import security_event
from . import totp
from .second_factor import has_second_factor, recent_enough

API_HEADER = "X-Second-Factor"
FORM_KEY = "step_up_form"  # {"url": local path, "fields": [[name, value], …], "files": bool}
FORM_MAX_CHARS = 2500  # what the signed cookie can carry besides the login
SKIPPED_FIELDS = ("csrf_token", "code")


class SecondFactorNeeded(EngineError):
    """The transition needs a second factor passed recently (or one at all: `missing`)."""

    status = 401
    code = "second_factor_required"

    def __init__(self, message: str, *, missing: bool = False):
        super().__init__(message)
        self.missing = missing
        if missing:
            self.status, self.code = 403, "second_factor_missing"


def check(ctx) -> None:
    """Refuse the transition of `ctx` unless the acting person has just passed a factor."""
    if not has_request_context() or getattr(ctx.actor, "role", "system") == "system":
        return
    if not needs_step_up(ctx.definition, ctx.transition):
        return
    user = ctx.actor
    web = request.blueprint != "api"
    # A session that passed a factor recently had one then; a reset since ends the session.
    if web and recent_enough():
        return
    if not has_second_factor(user):
        security_event("step_up", user=user, outcome="refused", reason="no_second_factor")
        raise SecondFactorNeeded(
            _(
                "Für diese Aktion brauchen Sie einen zweiten Faktor. Bitte richten Sie zuerst "
                "eine Authenticator-App ein (Konto › Zweiter Faktor)."
            ),
            missing=True,
        )
    if not web:
        _check_api_code(user)
        return
    security_event("step_up", user=user, outcome="required", trigger=ctx.transition.trigger)
    raise SecondFactorNeeded(_("Bitte bestätigen Sie diese Aktion mit Ihrem zweiten Faktor."))


def _check_api_code(user) -> None:
    code = request.headers.get(API_HEADER, "").strip()
    if not totp.enrolled(user):
        raise SecondFactorNeeded(
            "Diese Aktion braucht über die API einen Code der Authenticator-App; für dieses "
            "Konto ist keine eingerichtet.",
            missing=True,
        )
    if not code:
        raise SecondFactorNeeded(
            f"Diese Aktion braucht den aktuellen Code Ihrer Authenticator-App im Header "
            f"„{API_HEADER}“."
        )
    reason = totp.check_code(user, code)
    if reason is not None:
        # The failed attempt must count although the request rolls back.
        g.second_factor_failure = True
        raise SecondFactorNeeded(
            f"Der Code im Header „{API_HEADER}“ wurde nicht angenommen "
            f"({_API_REASONS.get(reason, reason)})."
        )


_API_REASONS = {
    "wrong": "falsch oder abgelaufen",
    "replayed": "bereits verwendet",
    "throttled": "zu viele Fehlversuche, bitte später erneut",
    "not_enrolled": "keine Authenticator-App eingerichtet",
}


def keep_form() -> bool:
    """Keep the posted form in the session for after the step-up; False if too large."""
    fields = [
        [name, value]
        for name, values in request.form.lists()
        if name not in SKIPPED_FIELDS
        for value in values
    ]
    if sum(len(n) + len(v) for n, v in fields) > FORM_MAX_CHARS:
        session.pop(FORM_KEY, None)
        return False
    session[FORM_KEY] = {"url": request.path, "fields": fields, "files": bool(request.files)}
    return True


def kept_form() -> dict | None:
    """Return the form kept for after the step-up, or None."""
    kept = session.get(FORM_KEY)
    if not isinstance(kept, dict) or not str(kept.get("url", "")).startswith("/"):
        return None
    if str(kept["url"]).startswith("//"):
        return None
    return kept


def forget_form() -> None:
    session.pop(FORM_KEY, None)


def handle_web(exc: SecondFactorNeeded):
    """Answer a web request that needs a step-up: keep the form, go to the factor page."""
    from flask import flash

    db.session.rollback()
    if exc.missing:
        flash(exc.message, "warning")
        return redirect(url_for("second_factor_settings.settings"))
    if request.method == "POST" and not keep_form():
        flash(
            _(
                "Ihre Eingaben waren zu umfangreich, um sie aufzubewahren. Bitte senden Sie "
                "das Formular nach der Bestätigung erneut."
            ),
            "warning",
        )
    back = request.referrer if request.method == "POST" else request.full_path
    return redirect(url_for("second_factor.login_totp", next=_local(back)))


def _local(url: str | None) -> str | None:
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not path.startswith("//") else None


def _handle(exc: SecondFactorNeeded):
    """Answer a refused step-up: problem+json for the API, the factor page for the web."""
    from ..api.problems import is_api_request, problem

    if not is_api_request():
        return handle_web(exc)
    db.session.rollback()
    user = g.get("_login_user")
    if g.pop("second_factor_failure", False) and user is not None:
        # The wrong code counts towards the throttle although the transition rolled back.
        from .throttling import record_attempt

        record_attempt(totp.throttle_key(user), False, request.remote_addr)
        replay = g.pop("second_factor_replay", None)
        if replay is not None:  # the holder's mail was queued in the rolled-back transaction
            from .totp_replay import notify_replay

            notify_replay(user, *replay)
        db.session.commit()
    return problem(exc.status, exc.message, kind=exc.code, header=API_HEADER)


def init_app(app) -> None:
    """Ask the engine to run the step-up check; answer its refusals."""
    from ..engine.registry import ACTOR_CHECKS
    from . import recovery  # noqa: F401  (registers the recovery codes as a method)

    if check not in ACTOR_CHECKS:
        ACTOR_CHECKS.append(check)
    app.register_error_handler(SecondFactorNeeded, _handle)
