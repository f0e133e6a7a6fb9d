"""What `flask check-deploy` asks of the letters: a configured seal and verified conditions."""

from collections.abc import Mapping
from pathlib import Path

from . import anbest


def letter_problems(config: Mapping) -> list[tuple[str, str, str]]:
    """Return (setting, level, message) for each unsafe letter setting of `config`."""
    problems = []
    if config.get("NOTICE_SEAL_DEVELOPMENT", True):
        problems.append(
            ("NOTICE_SEAL_DEVELOPMENT", "error", "notices would be sealed with a self-made seal")
        )
    for setting in ("NOTICE_SEAL_CERT", "NOTICE_SEAL_KEY"):
        path = config.get(setting)
        if not path:
            problems.append((setting, "error", "no seal is configured: notices cannot be issued"))
        elif not Path(path).is_file():
            problems.append((setting, "error", f"the seal file {path} does not exist"))
    try:
        conditions = anbest.load(config.get("ANBEST_K_PATH"))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        problems.append(("ANBEST_K_PATH", "error", f"the ANBest-K cannot be read: {exc}"))
    else:
        if not conditions.verified:
            problems.append(
                (
                    "ANBEST_K_PATH",
                    "warning",
                    "the ANBest-K text is not marked as the verified official wording "
                    "(verified: true); check it against the Ministerialblatt",
                )
            )
    return problems
