"""`flask check-deploy`: the second factor's settings worth a decision before production."""

MIN_KEY_LENGTH = 32
# The roles that commit public money or manage accounts (README, "Sign-in security").
EXPECTED_ROLES = ("reviewer", "admin")


def second_factor_problems(config) -> list[tuple[str, str, str]]:
    """Return (setting, level, message) for each second-factor setting worth a look."""
    problems = []
    key = str(config.get("SECOND_FACTOR_KEY") or "")
    if not key:
        problems.append(
            (
                "SECOND_FACTOR_KEY",
                "warning",
                "the authenticator apps' secrets are encrypted with a key derived from "
                "SECRET_KEY: changing that key voids every enrolled app",
            )
        )
    elif len(key) < MIN_KEY_LENGTH:
        problems.append(("SECOND_FACTOR_KEY", "error", f"shorter than {MIN_KEY_LENGTH} characters"))
    missing = [r for r in EXPECTED_ROLES if r not in config.get("SECOND_FACTOR_ROLES", ())]
    if missing:
        problems.append(
            (
                "SECOND_FACTOR_ROLES",
                "warning",
                f"{', '.join(missing)} may sign in without a second factor",
            )
        )
    return problems
