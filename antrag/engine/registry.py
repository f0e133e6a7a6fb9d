"""Registries of guards, effects and case subjects, filled by the feature packages.

Workflow files refer to guards and effects by name; start-up validation checks that
every name they use is registered here.
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("applicant", "reviewer", "mentor", "admin", "system")


@dataclass(frozen=True)
class Guard:
    """A named condition of a transition with the German message shown when it fails."""

    name: str
    check: Callable  # (TransitionContext) -> bool
    message: str | Callable  # a (lazy) translatable str, or (TransitionContext) -> str

    def refusal(self, ctx) -> str:
        """Return the sentence, in the reader's language, that explains why the guard failed."""
        return self.message(ctx) if callable(self.message) else str(self.message)


GUARDS: dict[str, Guard] = {}
EFFECTS: dict[str, Callable] = {}
# Effects that set columns of the case itself: they return the values, and the engine
# writes them in its compare-and-set UPDATE rather than in a second statement. They run
# before the other effects; one may record on its subject the fact it derives them from
# (a notice's service, from which the case's due date follows).
CASE_EFFECTS: set[str] = set()
# Effects that issue a letter (an administrative act); policy demands signing authority.
LETTER_EFFECTS: set[str] = set()
# Effects that may start cases, with how many at most: the transition's compare-and-set
# draws a history seq ahead for the first entry of each (one statement fewer per case).
CASE_STARTS: dict[str, int] = {}
# Effects that name the workflows of the cases they may start: on PostgreSQL the
# compare-and-set also draws the ids of each case and its subject, so that `engine.start`
# writes the case, its subject, its search document and its first entry in one statement
# (`rows.insert_started`). An effect that gives only a count keeps one statement per row.
CASE_STARTS_NAMED: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Take:
    """A value an effect takes in its transition's compare-and-set (PostgreSQL), not after it.

    `statement()` returns an UPDATE … RETURNING of one column, built once, with bound
    parameters whose values `params(now)` gives for the transition's moment; the engine runs
    it only if the case moved and hands what it returned (None: no row) to
    `keep(now, value)`, for the effect to use. The effect must use what was taken whenever
    it runs: the transition's own transaction or savepoint gives it back otherwise.
    """

    statement: Callable
    params: Callable
    keep: Callable


TAKES: dict[str, Take] = {}


@dataclass(frozen=True)
class Prefetch:
    """A read a guard, an effect or a mail needs, drawn with the subject's load (PostgreSQL).

    `column(model)` returns a scalar expression correlated with the subject `model`'s table,
    or None where the read does not apply to that model; the API's transition load selects
    it beside the subject (`prefetch.columns`), and `keep(subject, value)` notes what it read
    where its reader looks first. A reader that finds nothing noted reads as before, so a
    prefetch saves a round trip and never changes an answer: it must read what the reader
    would, and the transition must not change that before the reader runs.
    """

    name: str
    column: Callable  # (subject model) -> ColumnElement | None
    keep: Callable  # (loaded subject, value) -> None


# The prefetches of guards and effects, by their names; those of mail to a recipient kind,
# by the kind (for subjects whose `recipients` read `outbox.group`: MAIL_GROUPS).
PREFETCHES: dict[str, tuple[Prefetch, ...]] = {}
RECIPIENT_PREFETCHES: dict[str, Prefetch] = {}
SUBJECTS: dict[str, type] = {}
# Checks of the acting person that run after a transition's guards passed and before it
# writes anything, e.g. the second factor's step-up (antrag/accounts/step_up.py); each
# takes the TransitionContext and raises an EngineError to refuse.
ACTOR_CHECKS: list[Callable] = []


def guard(name: str, message: str | Callable, *, prefetch: tuple[Prefetch, ...] = ()):
    """Register a guard function under `name`; it must return a real bool.

    `prefetch` are the reads it makes that the API's transition load may draw for it."""

    def decorator(func):
        if name in GUARDS and GUARDS[name].check is not func:
            raise ValueError(f"guard {name!r} registered twice")
        GUARDS[name] = Guard(name, func, message)
        if prefetch:
            PREFETCHES[name] = prefetch
        return func

    return decorator


def effect(
    name: str,
    *,
    on_case: bool = False,
    letter: bool = False,
    starts: int | tuple[str, ...] = 0,
    takes: Take | None = None,
    prefetch: tuple[Prefetch, ...] = (),
):
    """Register an effect function under `name`; it receives the TransitionContext.

    With `on_case`, the function returns a dict of the case's own column values instead of
    changing anything itself; the engine applies them in the transition's compare-and-set.
    With `letter`, the effect issues a letter: policy demands the guard `signing_authority`
    on every transition that runs it. `starts` is the number of cases the effect may start
    (`engine.start`); one it does not declare costs a statement to draw its entry's seq.
    `prefetch` are the reads it makes that the API's transition load may draw for it.
    """

    def decorator(func):
        if name in EFFECTS and EFFECTS[name] is not func:
            raise ValueError(f"effect {name!r} registered twice")
        EFFECTS[name] = func
        if on_case:
            CASE_EFFECTS.add(name)
        if letter:
            LETTER_EFFECTS.add(name)
        if takes is not None:
            TAKES[name] = takes
        if prefetch:
            PREFETCHES[name] = prefetch
        if isinstance(starts, tuple):
            CASE_STARTS_NAMED[name] = starts
            CASE_STARTS[name] = len(starts)
        elif starts:
            CASE_STARTS[name] = starts
        return func

    return decorator


def subject(name: str):
    """Register the model class that is the subject of workflows declaring `subject: name`.

    The class must have a `case_id` column and a `can_view(user)` method.
    """

    def decorator(cls):
        SUBJECTS[name] = cls
        return cls

    return decorator
