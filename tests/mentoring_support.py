"""Mentors for the tests: the world's mentor and a second one (test_mentoring_workflow.py,
test_prefetch.py)."""

from conftest import PASSWORD

from antrag.accounts.operations import create_user
from antrag.extensions import db


def two_mentors(world):
    """The world's mentor (administration topics) and a second one (education), 2 places each;
    committed."""
    first = world.users.mentor
    first.mentor_capacity, first.mentor_topics = 2, "verwaltung,beteiligung"
    second = create_user(
        email="zweiter.mentor@kl.digital",
        name="Zweiter Mentor",
        role="mentor",
        password=PASSWORD,
        organisation="KL.digital GmbH",
    )
    second.mentor_capacity, second.mentor_topics = 2, "bildung"
    db.session.commit()
    return first, second
