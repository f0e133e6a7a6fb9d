"""What `flask check-deploy` asks of single sign-on: complete, over https, no lock-out."""

from collections.abc import Mapping

SSO_SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


def sso_problems(config: Mapping) -> list[tuple[str, str, str]]:
    """Return (setting, level, message) for each unsafe single sign-on setting of `config`."""
    problems = []
    given = [setting for setting in SSO_SETTINGS if config.get(setting)]
    if given and len(given) < len(SSO_SETTINGS):
        missing = ", ".join(s for s in SSO_SETTINGS if s not in given)
        problems.append((missing, "error", "single sign-on is half configured"))
    issuer = str(config.get("OIDC_ISSUER") or "")
    if issuer and not issuer.startswith("https://"):
        problems.append(
            ("OIDC_ISSUER", "error", f"the provider is not reached over https ({issuer})")
        )
    if config.get("PASSWORD_LOGIN_ROLES") is not None and len(given) < len(SSO_SETTINGS):
        problems.append(
            (
                "PASSWORD_LOGIN_ROLES",
                "error",
                "password login is off for some roles, but there is no single sign-on for them",
            )
        )
    if config.get("OIDC_ROLE_MAP") and not config.get("OIDC_ROLE_CLAIM"):
        problems.append(("OIDC_ROLE_CLAIM", "warning", "OIDC_ROLE_MAP is set but never read"))
    return problems
