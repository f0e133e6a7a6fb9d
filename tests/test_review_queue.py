"""The reviewers' queue: what it shows, its filters, sorting, pagination and query count."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sql_support import counted_statements

from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.programme.models import Round

ROW_RE = re.compile(
    r'<th scope="row"><a href="/antraege/(\d+)">([^<]+)</a></th>\s*<td>([^<]+)</td>'
)


@pytest.fixture
def reviewer(make_web, world):
    return make_web(world.users.reviewer)


@pytest.fixture
def make_round(world):
    """Return a factory of further open rounds that every city may apply to."""

    def factory(name):
        today = utcnow().date()
        round_ = Round(
            programme=world.programme,
            name=name,
            opens_on=today - timedelta(days=10),
            closes_on=today + timedelta(days=10),
            budget=Decimal("1000000.00"),
            standard_amount=Decimal("60750.00"),
            budget_chapter="03 01",  # the budget item a notice names
            budget_title="883 01",
            eligibility="all_cities",
        )
        db.session.add(round_)
        db.session.commit()
        return round_

    return factory


def rows(response) -> list[tuple[int, str, str]]:
    """Return (application id, municipality, round) of each row of the queue, in order."""
    assert response.status_code == 200
    return [(int(i), m, r) for i, m, r in ROW_RE.findall(response.get_data(as_text=True))]


def ids(response) -> list[int]:
    return [row[0] for row in rows(response)]


def submitted_days_ago(application, days: int) -> None:
    application.submitted_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_drafts_are_never_shown(reviewer, world, make_application):
    make_application("draft", world.speyer)
    make_application("withdrawn", world.andernach)  # withdrawn while still a draft
    assert rows(reviewer.get("/pruefung/?state=alle")) == []


def test_default_shows_the_open_applications(reviewer, world, make_application, make_round):
    submitted = make_application("submitted", world.speyer)
    proposed = make_application("proposed_rejection", world.andernach)
    approved = make_application("approved", world.speyer, round_=make_round("Zweite Runde"))
    assert set(ids(reviewer.get("/pruefung/"))) == {submitted.id, proposed.id}
    assert ids(reviewer.get("/pruefung/?state=approved")) == [approved.id]
    everything = ids(reviewer.get("/pruefung/?state=alle"))
    assert set(everything) == {submitted.id, proposed.id, approved.id}


def test_row_shows_state_label_age_assignee_and_link(reviewer, world, make_application):
    application = make_application("in_review", world.speyer)
    submitted_days_ago(application, 12)
    html = reviewer.get("/pruefung/").get_data(as_text=True)
    assert rows(reviewer.get("/pruefung/")) == [(application.id, "Speyer", "Testrunde")]
    assert "In Prüfung" in html
    assert '<td class="numeric">12</td>' in html
    assert f"{world.users.reviewer.name} (Sie)" in html


def test_filter_by_round(reviewer, world, make_application, make_round):
    second = make_round("Zweite Runde")
    first_round = make_application("submitted", world.speyer)
    second_round = make_application("submitted", world.pirmasens, round_=second)
    assert ids(reviewer.get(f"/pruefung/?round={second.id}")) == [second_round.id]
    assert ids(reviewer.get(f"/pruefung/?round={world.round.id}")) == [first_round.id]


def test_filter_assigned_to_me(make_web, world, make_application):
    taken = make_application("in_review", world.speyer)  # start_review assigns the reviewer
    make_application("submitted", world.andernach)
    assert ids(make_web(world.users.reviewer).get("/pruefung/?mine=y")) == [taken.id]
    colleague = make_web(world.users.reviewer2).get("/pruefung/?mine=y")
    assert rows(colleague) == []
    assert "Keine Anträge gefunden, die diesen Filtern entsprechen" in colleague.get_data(
        as_text=True
    )


def test_sorted_by_age_oldest_first_by_default(reviewer, world, make_application, make_round):
    middle = make_application("submitted", world.speyer)
    newest = make_application("submitted", world.andernach)
    oldest = make_application("submitted", world.pirmasens, round_=make_round("Runde 2"))
    for application, days in ((middle, 5), (newest, 1), (oldest, 9)):
        submitted_days_ago(application, days)
    assert ids(reviewer.get("/pruefung/")) == [oldest.id, middle.id, newest.id]
    assert ids(reviewer.get("/pruefung/?sort=newest")) == [newest.id, middle.id, oldest.id]


def test_pagination_keeps_the_filters(app, reviewer, world, make_application, make_round):
    app.config["QUEUE_PAGE_SIZE"] = 2
    apps = [
        make_application("submitted", world.speyer),
        make_application("submitted", world.andernach),
        make_application("submitted", world.pirmasens, round_=make_round("Runde 2")),
    ]
    for days, application in enumerate(reversed(apps)):
        submitted_days_ago(application, days + 1)
    first = reviewer.get("/pruefung/?state=submitted&sort=oldest")
    assert ids(first) == [apps[0].id, apps[1].id]
    html = first.get_data(as_text=True)
    assert "Seite 1 von 2" in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "state=submitted" in next_link
    assert "sort=oldest" in next_link
    assert ids(reviewer.get(next_link)) == [apps[2].id]


def test_query_count_does_not_grow_with_rows(reviewer, world, make_application, make_round):
    second = make_round("Runde 2")
    make_application("in_review", world.speyer)
    make_application("submitted", world.andernach)
    make_application("proposed_approval", world.pirmasens, round_=second)
    changes = make_application("changes_requested", world.speyer, round_=second)
    changes.case.assignee_id = world.users.reviewer2.id  # a second assignee to load
    db.session.commit()

    def statements_for(url: str, expected_rows: int) -> int:
        db.session.expunge_all()  # the test and the request share the session
        with counted_statements() as statements:
            response = reviewer.get(url)
        assert len(rows(response)) == expected_rows
        return len(statements)

    assert statements_for("/pruefung/?state=in_review", 1) == statements_for(
        "/pruefung/?state=alle", 4
    )


def test_overdue_due_date_is_marked(reviewer, world, make_application):
    application = make_application("changes_requested", world.speyer)
    application.case.due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    html = reviewer.get("/pruefung/").get_data(as_text=True)
    assert 'class="overdue"' in html
    assert "überfällig" in html


def test_due_date_in_the_future_is_not_overdue(reviewer, world, make_application):
    make_application("changes_requested", world.speyer)
    html = reviewer.get("/pruefung/").get_data(as_text=True)
    assert "überfällig" not in html


def test_empty_queue_says_so(reviewer, world):
    html = reviewer.get("/pruefung/").get_data(as_text=True)
    assert "Keine Anträge gefunden." in html


def test_unknown_filter_values_fall_back_to_defaults(reviewer, world, make_application):
    submitted = make_application("submitted", world.speyer)
    response = reviewer.get("/pruefung/?state=bogus&round=999&sort=sideways&page=x")
    assert ids(response) == [submitted.id]


@pytest.mark.parametrize("who", ["speyer", "mentor", "admin"])
def test_queue_is_for_reviewers_only(make_web, world, who):
    assert make_web(getattr(world.users, who)).get("/pruefung/").status_code == 403


def test_queue_needs_login(client, world):
    response = client.get("/pruefung/")
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_beyond_the_cap_the_count_says_more_than(
    app, reviewer, world, make_application, make_round
):
    app.config.update(QUEUE_PAGE_SIZE=1, QUEUE_COUNT_CAP=2)
    make_application("submitted", world.speyer)
    make_application("submitted", world.andernach)
    make_application("submitted", world.pirmasens, round_=make_round("Runde 2"))

    first = reviewer.get("/pruefung/").get_data(as_text=True)
    last = reviewer.get("/pruefung/?page=3").get_data(as_text=True)

    assert "Mehr als 2 Anträge gefunden." in first
    assert "Seite 1</li>" in first and "Seite 1 von" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert len(rows(reviewer.get("/pruefung/?page=3"))) == 1


def test_within_the_cap_the_count_is_exact(app, reviewer, world, make_application, make_round):
    app.config.update(QUEUE_PAGE_SIZE=2, QUEUE_COUNT_CAP=3)
    make_application("submitted", world.speyer)
    make_application("submitted", world.andernach)
    make_application("submitted", world.pirmasens, round_=make_round("Runde 2"))

    html = reviewer.get("/pruefung/").get_data(as_text=True)

    assert "3 Anträge gefunden." in html
    assert "Seite 1 von 2" in html


def test_the_count_reads_at_most_one_row_more_than_the_cap(app, reviewer, world):
    with counted_statements() as statements:
        reviewer.get("/pruefung/")

    counts = [s for s in statements if "count(" in s.lower()]
    assert len(counts) == 1
    assert "LIMIT" in counts[0].upper()
