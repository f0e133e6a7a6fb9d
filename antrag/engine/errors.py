"""Domain exceptions of the engine: one class per kind of refusal.

Each carries an HTTP status and a German message; `antrag.errors` maps them to pages
(and later to problem+json) in one place.
"""


class EngineError(Exception):
    """Base class for every refusal of the engine."""

    status = 400
    code = "refused"

    def __init__(self, message: str, *, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotVisible(EngineError):
    """The case does not exist or the actor may not see it (404, never 403)."""

    status = 404
    code = "not_found"


class NotAllowed(EngineError):
    """The actor's role may not fire this transition."""

    status = 403
    code = "forbidden"


class UnknownAction(EngineError):
    """The trigger is not declared in the workflow (e.g. `to_approved`)."""

    status = 400
    code = "unknown_action"


class WrongState(EngineError):
    """The trigger is declared but not from the case's current state."""

    status = 409
    code = "wrong_state"


class StaleVersion(EngineError):
    """Someone else changed the case since the actor loaded it."""

    status = 409
    code = "stale"


class InvalidInput(EngineError):
    """A required input is missing or malformed; `errors` maps fields to messages."""

    status = 422
    code = "invalid"


class GuardRefused(EngineError):
    """A guard of the transition said no; `guard` names it."""

    status = 422
    code = "guard"

    def __init__(self, message: str, *, guard: str):
        super().__init__(message)
        self.guard = guard
