"""Where security keys meet the second-factor framework (antrag/accounts/second_factor.py).

Until that framework is merged, these answer conservatively: an account needs a second
factor if the config's SECOND_FACTOR_ROLES names its role, and has no other method.
"""

from flask import current_app


def requires_second_factor(user) -> bool:
    """Return whether the user's role must have a second factor."""
    return user.role in (current_app.config.get("SECOND_FACTOR_ROLES") or ())


def other_methods_left(user) -> bool:
    """Return whether the user has a second factor other than security keys."""
    return False
