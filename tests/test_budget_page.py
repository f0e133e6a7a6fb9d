"""The budget ledger's figures and reconciliation, and the ministry's budget page."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from antrag.engine.models import Case
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry, FundingNotice
from antrag.programme.models import Round

TOTAL_OF = {
    "reservation": "reserved",
    "commitment": "committed",
    "payment": "paid",
    "reclaim": "reclaimed",
}


@pytest.fixture
def make_notice(world, make_application):
    """Return a factory of hand-made notices; drafts keep the approval's own effects out."""
    count = 0

    def factory(state="issued", municipality=None, amount="60750.00"):
        nonlocal count
        count += 1
        application = make_application("draft", municipality)
        case = Case(workflow="funding_notice", workflow_version=1, state=state, version=1)
        notice = FundingNotice(
            case=case,
            application=application,
            round=world.round,
            municipality=application.municipality,
            file_reference=f"DS-2019-{count:04d}",
            amount=Decimal(amount),
            purpose="Beitritt und Digitales Bürgerbüro",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            addressee_name=f"Stadt {application.municipality.name}",
        )
        db.session.add(notice)
        db.session.flush()
        return notice

    return factory


def book(notice, kind, amount, *, total=True):
    """Write a ledger entry and, unless `total` is False, move the round's running total.

    A payment is booked with the order before it (ordered + and −: the total stays).
    """
    amount = Decimal(amount)
    if kind == "payment":
        db.session.add(
            BudgetEntry(
                round_id=notice.round_id,
                notice_id=notice.id,
                kind="order",
                amount=amount,
                case_id=notice.case_id,
            )
        )
    db.session.add(
        BudgetEntry(
            round_id=notice.round_id,
            notice_id=notice.id,
            kind=kind,
            amount=amount,
            case_id=notice.case_id,
        )
    )
    if total:
        column = TOTAL_OF[kind]
        setattr(notice.round, column, getattr(notice.round, column) + amount)
    db.session.commit()


@pytest.fixture
def booked(world, make_notice):
    """Speyer and Andernach issued and committed; Speyer has had 20.000,00 paid out."""
    speyer = make_notice()
    andernach = make_notice(municipality=world.andernach)
    book(speyer, "commitment", "60750.00")
    book(andernach, "commitment", "60750.00")
    book(speyer, "payment", "20000.00")
    return speyer, andernach


def test_figures_follow_the_ledger(world, booked):
    assert ledger.figures(world.round) == {
        "budget": Decimal("243000.00"),
        "committed": Decimal("121500.00"),
        "reserved": Decimal("0.00"),
        "ordered": Decimal("0.00"),
        "paid": Decimal("20000.00"),
        "reclaimed": Decimal("0.00"),
        "reclaim_due": Decimal("0.00"),
        "decommitted": Decimal("0.00"),
        "available": Decimal("121500.00"),
    }
    assert ledger.reconcile(world.round) == []


def test_a_reclaim_makes_money_available_again(world, booked):
    book(booked[0], "reclaim", "1234.56")
    assert ledger.figures(world.round)["available"] == Decimal("122734.56")
    assert ledger.reconcile(world.round) == []


def test_an_untouched_round_reconciles(world):
    assert ledger.reconcile(world.round) == []
    assert ledger.figures(world.round)["available"] == world.round.budget


def test_reconcile_finds_a_tampered_total(world, booked):
    db.session.execute(
        update(Round).where(Round.id == world.round.id).values(paid=Round.paid + Decimal("0.01"))
    )
    db.session.commit()
    db.session.expire_all()
    problems = ledger.reconcile(world.round)
    assert len(problems) == 1
    assert "Ausgezahlt" in problems[0]
    assert "20.000,01" in problems[0] and "20.000,00" in problems[0]


def test_reconcile_finds_an_issued_notice_without_commitment(world, booked, make_notice):
    make_notice(municipality=world.pirmasens, amount="1000.00")
    problems = ledger.reconcile(world.round)
    assert problems == [
        "Die erlassenen Bescheide ergeben 122.500,00\xa0€, die Bindungen im Haushalt "
        "121.500,00\xa0€."
    ]


def test_drafted_notices_are_reserved_not_committed(world, booked, make_notice):
    drafted = make_notice(state="drafted", municipality=world.pirmasens)
    book(drafted, "reservation", "60750.00")
    assert ledger.reconcile(world.round) == []
    assert ledger.figures(world.round)["available"] == Decimal("60750.00")


def test_reconcile_finds_a_booking_missing_from_the_total(world, booked):
    book(booked[1], "payment", "500.00", total=False)
    assert ledger.reconcile(world.round) == [
        "Ausgezahlt: Die Runde führt 20.000,00\xa0€, die Buchungen ergeben 20.500,00\xa0€."
    ]


def test_reconcile_finds_more_paid_than_granted(world, booked):
    book(booked[0], "payment", "40750.01")
    problems = ledger.reconcile(world.round)
    assert problems == [
        "Zum Bescheid DS-2019-0001 wurden 60.750,01\xa0€ ausgezahlt, "
        "bewilligt sind nur 60.750,00\xa0€."
    ]


ROLES = ("anonymous", "applicant", "reviewer", "mentor", "admin")
# The ministry's clerks work with the budget; the admin, who sets it up, may read it.
ACCESS = (302, 403, 200, 403, 200)


@pytest.mark.parametrize("page", ["/haushalt/", "/haushalt/runden/{round}"])
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ACCESS, strict=True)))
def test_budget_pages_are_for_the_ministry(make_web, world, page, role, expected):
    users = {
        "anonymous": None,
        "applicant": world.users.speyer,
        "reviewer": world.users.reviewer,
        "mentor": world.users.mentor,
        "admin": world.users.admin,
    }
    response = make_web(users[role]).get(page.format(round=world.round.id))
    assert response.status_code == expected
    if role == "anonymous":
        assert "/anmelden" in response.headers["Location"]


def test_budget_page_shows_figures_chart_and_reconciliation(make_web, world, booked):
    html = make_web(world.users.reviewer).get("/haushalt/").get_data(as_text=True)
    assert '<h2 id="round-' in html and "Testrunde" in html
    for amount in ("243.000,00", "121.500,00", "20.000,00"):
        assert amount in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "Die Buchungen stimmen auf den Cent" in html


def test_budget_page_flags_a_ledger_that_does_not_add_up(make_web, world, booked):
    book(booked[1], "payment", "500.00", total=False)
    html = make_web(world.users.reviewer).get("/haushalt/").get_data(as_text=True)
    assert "Die Buchungen gehen nicht auf." in html
    assert "die Buchungen ergeben 20.500,00" in html


def test_round_page_lists_the_ledger_entries(make_web, world, booked):
    html = make_web(world.users.reviewer).get(f"/haushalt/runden/{world.round.id}")
    html = html.get_data(as_text=True)
    assert html.count('<th scope="row">DS-2019-0001</th>') == 3  # commitment, order, payment
    assert "Bindung" in html and "Auszahlungsanordnung" in html and "Andernach" in html


def test_unknown_round_is_not_found(make_web, world):
    assert make_web(world.users.reviewer).get("/haushalt/runden/999999").status_code == 404


def test_issuing_through_the_engine_keeps_the_ledger_reconciled(world, make_application):
    from antrag import engine

    world.users.reviewer.can_sign = True
    approved = [make_application("approved", city) for city in (world.speyer, world.andernach)]
    for application in approved:
        notice = db.session.scalars(
            db.select(FundingNotice).where(FundingNotice.application_id == application.id)
        ).one()
        engine.fire(notice.case_id, "issue", world.users.reviewer, version=notice.case.version)
    db.session.commit()
    db.session.expire_all()
    assert ledger.figures(world.round)["committed"] == Decimal("121500.00")
    assert ledger.reconcile(world.round) == []


def test_closing_a_notice_releases_the_unpaid_commitment_visibly(make_web, world, booked):
    from antrag.funding import budget

    speyer = booked[0]
    db.session.execute(update(Case).where(Case.id == speyer.case_id).values(state="closed"))
    budget.decommit(speyer, speyer.case_id)
    db.session.commit()
    db.session.expire_all()
    figures = ledger.figures(world.round)
    assert (figures["committed"], figures["decommitted"], figures["available"]) == (
        Decimal("80750.00"),
        Decimal("40750.00"),
        Decimal("162250.00"),
    )
    assert ledger.reconcile(world.round) == []
    web = make_web(world.users.reviewer)
    overview = web.get("/haushalt/").get_data(as_text=True)
    assert "Freigegeben (nicht ausgezahlt)" in overview and "40.750,00" in overview
    entries = web.get(f"/haushalt/runden/{world.round.id}").get_data(as_text=True)
    assert "Freigabe nicht ausgezahlter Mittel" in entries


def test_a_closed_notice_without_its_release_does_not_reconcile(world, booked):
    speyer = booked[0]
    db.session.execute(update(Case).where(Case.id == speyer.case_id).values(state="closed"))
    db.session.commit()
    problems = [p.replace("\xa0", " ") for p in ledger.reconcile(world.round)]
    assert any("DS-2019-0001 müssten 40.750,00" in p for p in problems)


def test_the_budget_table_shows_every_figure_the_ledger_names(make_web, world, booked, monkeypatch):
    """Another running total (say `ordered`) appears on the page by one entry in FIGURES."""
    monkeypatch.setitem(ledger.FIGURES, "ordered_demo", "Angewiesen (Test)")
    monkeypatch.setattr(Round, "ordered_demo", Decimal("1234.56"), raising=False)
    html = make_web(world.users.reviewer).get("/haushalt/").get_data(as_text=True)
    assert "Angewiesen (Test)" in html and "1.234,56" in html
    for label in ("Gebunden", "Vorgemerkt", "Ausgezahlt", "Zurückgefordert", "Verfügbar"):
        assert label in html


def test_the_budget_page_warns_when_the_base_rates_end_before_today(app, make_web, world, tmp_path):
    from datetime import timedelta

    from antrag.clock import now
    from antrag.engine.calendar import BERLIN

    today = now().astimezone(BERLIN).date()
    web = make_web(world.users.reviewer)
    for until in (today, today - timedelta(days=1)):
        rates = tmp_path / f"rates-{until}.yaml"
        rates.write_text(
            f'known_until: {until.isoformat()}\nrates:\n  - {{from: 2020-01-01, rate: "2.00"}}\n',
            encoding="utf-8",
        )
        app.config["RECLAIM_BASE_RATES_FILE"] = str(rates)
        html = web.get("/haushalt/").get_data(as_text=True)
        warned = f"nur bis zum {until.strftime('%d.%m.%Y')} hinterlegt" in html
        assert warned == (until < today)
