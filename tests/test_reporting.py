"""The programme dashboard: its figures against hand-computed expectations, its charts, its access."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import fill_complete
from funding_support import issued_notice
from sqlalchemy import update

from antrag import engine
from antrag.applications.models import Application
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.engine.calendar import BERLIN
from antrag.engine.models import Case
from antrag.extensions import db
from antrag.programme.models import Round
from antrag.reporting import charts, queries
from antrag.reporting.stats import median, percentile

DAY = timedelta(days=1)
SVG_NS = "{http://www.w3.org/2000/svg}"


# --- order statistics ---------------------------------------------------------------------


def test_median_of_odd_and_even_counts():
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


@pytest.mark.parametrize(
    ("p", "expected"), [(5, 15), (30, 20), (40, 20), (50, 35), (90, 50), (100, 50)]
)
def test_nearest_rank_percentile(p, expected):
    assert percentile([50, 15, 40, 20, 35], p) == expected


def test_ninetieth_percentile_takes_the_rank_rounded_up():
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 21)), 90) == 18
    assert percentile([7], 90) == 7
    assert percentile([], 90) is None
    with pytest.raises(ValueError):
        percentile([1], 0)


# --- a small programme with known history times -------------------------------------------


@pytest.fixture
def second_round(world):
    """Another round open now, to which Speyer is invited."""
    rnd = Round(
        programme=world.programme,
        name="Zweite Runde",
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=Decimal("121500.00"),
        standard_amount=world.round.standard_amount,
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        invited=[world.speyer],
    )
    db.session.add(rnd)
    db.session.commit()
    return rnd


@pytest.fixture
def timeline(world, second_round):
    """Three applications moved at known times; returns the start time T0 (UTC).

    A (Speyer, Testrunde):   draft 2 d, submitted 1 d, in review 4 d, proposed 1 d, approved
    B (Andernach, Testrunde): draft 1 d, submitted 4 d, in review 1 d, changes requested (open)
    C (Speyer, Zweite Runde): draft 4 d, submitted 12 h, in review (open)
    """
    u = world.users
    t0 = (utcnow() - 20 * DAY).replace(minute=0, second=0, microsecond=0)
    plans = [
        (world.speyer, u.speyer, world.round, [
            (2, "submit", u.speyer), (3, "start_review", u.reviewer),
            (7, "propose_approval", u.reviewer), (8, "approve", u.reviewer2),
        ]),
        (world.andernach, u.andernach, world.round, [
            (1, "submit", u.andernach), (5, "start_review", u.reviewer),
            (6, "request_changes", u.reviewer),
        ]),
        (world.speyer, u.speyer, second_round, [
            (4, "submit", u.speyer), (4.5, "start_review", u.reviewer),
        ]),
    ]  # fmt: skip
    for municipality, applicant, rnd, steps in plans:
        with frozen_at(t0):
            application = Application(round=rnd, municipality=municipality, created_by=applicant)
            case = engine.start("membership", application, applicant)
            fill_complete(application, applicant)
            db.session.commit()
        for days, trigger, actor in steps:
            with frozen_at(t0 + days * DAY):
                engine.fire(case.id, trigger, actor, version=case.version, comment="Begründung.")
                db.session.commit()
    return t0


def _stages(workflow: str) -> dict:
    found = {w.name: w for w in queries.time_per_stage()}[workflow]
    return {s.state: s for s in found.stages}


def test_time_per_stage_counts_completed_stays_in_days(timeline):
    stages = _stages("membership")
    assert (stages["draft"].completed, stages["draft"].median_days) == (3, 2)
    assert stages["draft"].p90_days == 4
    assert (stages["submitted"].completed, stages["submitted"].median_days) == (3, 1)
    assert stages["submitted"].p90_days == 4
    assert (stages["in_review"].completed, stages["in_review"].median_days) == (2, 2.5)
    assert (stages["in_review"].p90_days, stages["in_review"].open) == (4, 1)
    assert (stages["changes_requested"].completed, stages["changes_requested"].open) == (0, 1)
    assert stages["changes_requested"].median_days is None
    assert (stages["proposed_approval"].median_days, stages["proposed_approval"].p90_days) == (1, 1)


def test_final_states_have_no_stage_figures(timeline):
    assert {"approved", "rejected", "withdrawn"}.isdisjoint(_stages("membership"))


def test_applications_per_state_and_round(world, second_round, timeline):
    labels, table = queries.applications_per_state()
    assert list(labels) == [
        "draft",
        "submitted",
        "in_review",
        "changes_requested",
        "proposed_approval",
        "proposed_rejection",
        "withdrawn",
        "approved",
        "rejected",
    ]
    assert labels["changes_requested"] == "Änderungen angefordert"
    by_round = {row.round.name: row for row in table}
    first = {s: n for s, n in by_round["Testrunde"].counts.items() if n}
    assert first == {"approved": 1, "changes_requested": 1}
    assert {s: n for s, n in by_round["Zweite Runde"].counts.items() if n} == {"in_review": 1}
    assert (by_round["Testrunde"].total, by_round["Zweite Runde"].total) == (2, 1)


def test_members_over_time_counts_each_city_once_from_its_first_approval(
    world, second_round, make_application
):
    t0 = (utcnow() - 10 * DAY).replace(hour=10, minute=0, second=0, microsecond=0)
    with frozen_at(t0):
        make_application("approved")
    with frozen_at(t0 + 2 * DAY):
        make_application("approved", municipality=world.andernach)
    with frozen_at(t0 + 5 * DAY):
        make_application("approved", round_=second_round)  # Speyer again: no new member
    day = t0.astimezone(BERLIN).date()
    assert queries.members_over_time() == [(day, 1), (day + 2 * DAY, 2)]


def test_overdue_cases_are_past_due_and_not_final(world, timeline):
    now = utcnow()
    cases = {c.state: c for c in db.session.scalars(db.select(Case)) if c.workflow == "membership"}
    db.session.execute(
        update(Case)
        .where(Case.id.in_([cases["changes_requested"].id, cases["approved"].id]))
        .values(due_at=now - 3 * DAY)
    )
    db.session.execute(
        update(Case).where(Case.id == cases["in_review"].id).values(due_at=now + DAY)
    )
    db.session.commit()
    overdue = queries.overdue_cases(now)
    assert [(o.case.id, o.city, o.state_label) for o in overdue] == [
        (cases["changes_requested"].id, "Andernach", "Änderungen angefordert")
    ]
    assert overdue[0].days_overdue == 3


def test_budget_per_round_shows_the_ledger_figures(world, make_application):
    issued_notice(make_application, world)
    figures = {r.name: f for r, f in queries.budget_per_round()}["Testrunde"]
    assert figures == {
        "budget": Decimal("243000.00"),
        "committed": Decimal("60750.00"),
        "reserved": Decimal("0.00"),
        "ordered": Decimal("0.00"),
        "paid": Decimal("0.00"),
        "reclaimed": Decimal("0.00"),
        "reclaim_due": Decimal("0.00"),
        "decommitted": Decimal("0.00"),
        "available": Decimal("182250.00"),
    }


# --- charts -------------------------------------------------------------------------------


def _check_svg(svg: str) -> ET.Element:
    """Parse an SVG fragment and check its accessible name and description."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it well-formed
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def test_bar_chart_is_well_formed_and_escapes_its_labels():
    rows = [charts.Row("<script>&", (3, 1), ("3", "1")), charts.Row("B", (0, 6), ("0", "6"))]
    root = _check_svg(charts.bar_chart("c1", "Titel <b>", "A & B", rows, ["eins", "zwei"]))
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "<script>&" in texts and "eins" in texts and "6" in texts
    widths = [
        float(r.get("width"))
        for r in root.iter(f"{SVG_NS}rect")
        if r.get("x") == str(charts.LABEL_WIDTH)
    ]
    assert widths[3] == max(widths) and widths[2] == 0


def test_step_chart_is_well_formed_with_and_without_points(world):
    day = utcnow().date()
    _check_svg(charts.step_chart("c2", "Mitglieder", "keine", [], str))
    root = _check_svg(
        charts.step_chart("c3", "Mitglieder", "1, 2", [(day, 1), (day + DAY, 2)], str)
    )
    assert len(list(root.iter(f"{SVG_NS}circle"))) == 2


def test_dashboard_page_shows_figures_charts_and_tables(make_web, world, timeline):
    late = db.session.scalars(db.select(Case).where(Case.state == "changes_requested")).one()
    late.due_at = utcnow() - 2 * DAY
    db.session.commit()
    andernach = db.session.scalars(db.select(Application).filter_by(case_id=late.id)).one()
    web = make_web(world.users.reviewer)
    response = web.get("/auswertung/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) >= 4
    for svg in svgs:
        _check_svg(svg)
    assert "Änderungen angefordert" in html and "Rangmethode" in html
    assert "243.000,00" in html and "121.500,00" in html
    assert "1 überfälliger Vorgang" in html
    assert f'href="/antraege/{andernach.id}"' in html
    assert html.count("<table") >= len(svgs)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("speyer", 403), ("mentor", 403), ("admin", 403), ("reviewer", 200)],
)
def test_dashboard_is_for_the_ministry_only(make_web, world, role, expected):
    user = None if role == "anonymous" else getattr(world.users, role)
    response = make_web(user).get("/auswertung/")
    assert response.status_code == expected
    nav_link = 'href="/auswertung/"' in make_web(user).get("/pruefung/").get_data(as_text=True)
    assert nav_link == (role == "reviewer")
