"""Choosing the next mentor for a city: pure functions over plain data, no database.

A candidate is an active mentor with free capacity who has not been tried for this
application. Among them, a topic match with the city's fields of action comes first, then
the fewest active assignments, then the lowest id (so that the choice is reproducible).
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MentorLoad:
    """What matching needs to know about one mentor."""

    id: int
    capacity: int
    active_assignments: int
    topics: frozenset[str]
    active: bool = True


def parse_topics(raw: str | None) -> frozenset[str]:
    """Return the fields of action stored comma-separated on the user."""
    return frozenset(t.strip() for t in (raw or "").split(",") if t.strip())


def candidates(mentors: Iterable[MentorLoad], tried: Iterable[int]) -> list[MentorLoad]:
    """Return the active mentors with free capacity who were not tried yet."""
    tried = set(tried)
    return [
        m for m in mentors if m.active and m.capacity > m.active_assignments and m.id not in tried
    ]


def rank_key(mentor: MentorLoad, fields: frozenset[str]) -> tuple[int, int, int]:
    """Return the sort key: topic match first, then fewest active assignments, then id."""
    return (0 if mentor.topics & fields else 1, mentor.active_assignments, mentor.id)


def best_mentor(
    mentors: Iterable[MentorLoad], fields: Iterable[str], tried: Iterable[int] = ()
) -> MentorLoad | None:
    """Return the most suitable mentor, or None when nobody is left."""
    fields = frozenset(f for f in fields if f)
    found = candidates(mentors, tried)
    return min(found, key=lambda m: rank_key(m, fields)) if found else None
