"""Which Antrag account a sign-in through the identity provider opens, if any.

The rules (issue 16): the provider vouches for a person, Antrag decides what they may do.
- The account is found by the e-mail the provider asserts as verified (`email_verified`
  true); it must exist (created or invited) before the first login.
- At the first login the provider's issuer and subject (`sub`) are recorded; afterwards the
  provider must name the same subject (an e-mail moved to another person is refused).
- With OIDC_ROLE_CLAIM set, the provider must confirm the account's role (mapped through
  OIDC_ROLE_MAP); a role Antrag has not granted is never taken over. If the provider does
  not confirm the account's role the login is refused; roles beyond it are ignored and the
  login goes on with the account's own role (logged as `limited`). Never elevate.
"""

from flask import current_app
from sqlalchemy import func, select, update

from ..audit.actor import acting_as
from ..audit.record import note
from ..extensions import db
from ..security import security_event
from .models import User
from .oidc_client import OidcRefused


def _claim(claims: dict, path: str):
    """Return a claim by name or dotted path (Keycloak's `realm_access.roles`)."""
    if path in claims:
        return claims[path]
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _verified_email(claims: dict) -> str:
    email = _claim(claims, current_app.config["OIDC_EMAIL_CLAIM"])
    if not isinstance(email, str) or "@" not in email:
        raise OidcRefused("no_email")
    if claims.get("email_verified") not in (True, "true"):
        raise OidcRefused("email_unverified", email)
    return email.strip().lower()


def provider_roles(claims: dict) -> set[str] | None:
    """Return the Antrag roles the provider's role claim maps to (None: no role claim set)."""
    config = current_app.config
    if not config.get("OIDC_ROLE_CLAIM"):
        return None
    raw = _claim(claims, config["OIDC_ROLE_CLAIM"])
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    mapping = config["OIDC_ROLE_MAP"]
    return {mapping[v] for v in values if isinstance(v, str) and v in mapping}


def _check_role(user: User, claims: dict) -> None:
    roles = provider_roles(claims)
    if roles is None:
        return
    if user.role not in roles:
        raise OidcRefused(
            "role_mismatch", f"account={user.role} provider={','.join(sorted(roles))}"
        )
    ignored = roles - {user.role}
    if ignored:
        security_event(
            "login_role_claim", user=user, outcome="limited", ignored=",".join(sorted(ignored))
        )


def account_for(claims: dict) -> User:
    """Return the account these validated ID-token claims open; bind the subject at first use."""
    email = _verified_email(claims)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        raise OidcRefused("unknown_account", email)
    if not user.active:
        raise OidcRefused("inactive", email)
    issuer, subject = claims["iss"], str(claims["sub"])
    if user.oidc_subject is not None and (user.oidc_issuer, user.oidc_subject) != (issuer, subject):
        raise OidcRefused("subject_mismatch", email)
    bound = db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    if bound is not None and bound.id != user.id:
        raise OidcRefused("subject_taken", email)
    _check_role(user, claims)
    if user.oidc_subject is None:
        _bind(user, issuer, subject)
    return user


def _bind(user: User, issuer: str, subject: str) -> None:
    """Bind the subject at the first login; of two first logins at once, one binds.

    A guarded UPDATE decides between two logins of the account (the second finds the
    subject bound: the same one goes on, another is refused); the unique constraint between
    two accounts (IntegrityError: `subject_taken`). The binding goes to the administration
    record as made by the account signing itself in, and to the security log.
    """
    bound = db.session.execute(
        update(User)
        .where(User.id == user.id, User.oidc_subject.is_(None))
        .values(oidc_issuer=issuer, oidc_subject=subject)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)
    if bound.rowcount != 1:
        if (user.oidc_issuer, user.oidc_subject) != (issuer, subject):
            raise OidcRefused("subject_mismatch", user.email)
        return  # the same person's parallel login bound it
    with acting_as(user):
        note(user, "oidc_issuer", None, issuer)
        note(user, "oidc_subject", None, subject)
    security_event("oidc_subject_bound", user=user, issuer=issuer)


def second_factor_asserted(claims: dict) -> str | None:
    """Return how the provider asserts a second factor (`amr` or `acr`), or None."""
    config = current_app.config
    amr = claims.get("amr")
    if isinstance(amr, list) and any(value in config["OIDC_MFA_AMR"] for value in amr):
        return "oidc:amr"
    if claims.get("acr") and claims.get("acr") in config["OIDC_MFA_ACR"]:
        return "oidc:acr"
    return None
