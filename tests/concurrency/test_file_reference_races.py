"""Parallel approvals take gap-free, unique file references; a stale one takes none.

On PostgreSQL each approval takes its number in its compare-and-set (the case's row lock
first, then the counter's), so this is where a number taken by a transition that did not
move its case would show as a gap.
"""

from decimal import Decimal

import pytest
from sqlalchemy import select

from antrag.extensions import db
from antrag.funding.models import FileReferenceCounter, FundingNotice

from .conftest import (
    add_cities,
    add_reviewers,
    assert_consistent,
    drive_application,
    explain,
    fresh,
    login_all,
    race,
    statuses,
)

pytestmark = pytest.mark.concurrency

CITIES = 8


def test_parallel_approvals_take_gap_free_references_and_stale_ones_none(
    gunicorn, world, database_uri
):
    world.round.budget = Decimal("60750.00") * (CITIES + 2)
    (first, *cities) = add_cities(world, CITIES + 1)
    drive_application(world, *first, "approved")  # the year's counter row exists
    applications = [drive_application(world, c, a, "proposed_approval") for c, a in cities]
    reviewers = add_reviewers(2 * CITIES)
    server = gunicorn()
    browsers = login_all(server.url, reviewers)
    # Two reviewers co-sign each application at once: one wins, the other is stale.
    posts = []
    for i, application in enumerate(applications):
        page = f"/antraege/{application.id}"
        form = {"trigger": "approve", "version": str(browsers[2 * i].version_on(page))}
        posts += [(browsers[2 * i], page, form), (browsers[2 * i + 1], page, form)]

    results = race([lambda b=b, p=p, f=f: b.post(p + "/aktion", f) for b, p, f in posts])

    assert statuses(results) == [302] * CITIES + [409] * CITIES, explain(results, server)
    fresh()
    # Gap-free per year, whichever year each approval fell in (the server's clock is real:
    # a run across midnight in Berlin on New Year's Eve numbers the new year from 0001).
    references = sorted(db.session.scalars(select(FundingNotice.file_reference)))
    assert len(references) == CITIES + 1
    by_year: dict[int, list[str]] = {}
    for reference in references:
        by_year.setdefault(int(reference.split("-")[1]), []).append(reference)
    for year, taken in by_year.items():
        assert taken == [f"DS-{year}-{n:04d}" for n in range(1, len(taken) + 1)]
        assert db.session.get(FileReferenceCounter, year).last == len(taken)
    assert_consistent(database_uri)
