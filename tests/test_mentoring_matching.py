"""Matching a mentor to a city: capacity, topic preference, fewest active, tried ones skipped."""

from antrag.mentoring.matching import MentorLoad, best_mentor, candidates, parse_topics


def mentor(id_, capacity=2, active=0, topics="", is_active=True):
    return MentorLoad(id_, capacity, active, parse_topics(topics), is_active)


def test_mentor_without_free_capacity_is_no_candidate():
    full, free = mentor(1, capacity=2, active=2), mentor(2, capacity=2, active=1)
    assert candidates([full, free], tried=()) == [free]


def test_deactivated_mentor_is_no_candidate():
    assert best_mentor([mentor(1, is_active=False)], {"bildung"}) is None


def test_topic_match_beats_a_lighter_load():
    light, matching = (
        mentor(1, active=0, topics="bildung"),
        mentor(2, active=1, topics="verwaltung"),
    )
    assert best_mentor([light, matching], {"verwaltung"}).id == 2


def test_fewest_active_assignments_win_among_equal_topic_match():
    busy, idle = mentor(1, capacity=5, active=3), mentor(2, capacity=5, active=1)
    assert best_mentor([busy, idle], {"mobilitaet"}).id == 2


def test_lowest_id_breaks_a_tie():
    assert best_mentor([mentor(7), mentor(3), mentor(5)], set()).id == 3


def test_tried_mentors_are_skipped():
    first, second = mentor(1, topics="verwaltung"), mentor(2)
    assert best_mentor([first, second], {"verwaltung"}, tried={1}).id == 2


def test_nobody_left_gives_none():
    assert best_mentor([mentor(1), mentor(2, capacity=0)], {"bildung"}, tried={1}) is None


def test_topics_are_read_from_the_comma_separated_field():
    assert parse_topics(" bildung, ,verwaltung") == {"bildung", "verwaltung"}
    assert parse_topics(None) == frozenset()
