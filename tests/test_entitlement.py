"""What the city may keep: the entitled grant by financing type, to the cent (a pure function)."""

from decimal import Decimal as D

import pytest

from antrag.funding.entitlement import (
    FIXED,
    FULL,
    SHARE,
    SHORTFALL,
    Figures,
    UnknownFinancingType,
    entitled_amount,
    reclaim_amount,
)

# Arithmetic of the entitled grant: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


@pytest.mark.parametrize(
    ("recognised", "expected"),
    [
        ("80000.00", "60750.00"),  # more spent than the fixed amount: the amount stays
        ("60750.00", "60750.00"),
        ("60749.99", "60749.99"),  # below it: reduced to the recognised expenditure
        ("45000.00", "45000.00"),
        ("0.00", "0.00"),
    ],
)
def test_a_fixed_amount_is_reduced_only_below_the_recognised_expenditure(recognised, expected):
    figures = Figures(FIXED, D("60750.00"), D(recognised), own_contribution=D("6750.00"))
    assert entitled_amount(figures) == D(expected)


def test_a_fixed_amount_ignores_other_funds_unless_configured():
    figures = Figures(
        FIXED, D("60750.00"), D("70000.00"), income=D("5000.00"), third_party=D("9250.01")
    )
    assert entitled_amount(figures) == D("60750.00")
    # No over-financing: expenditure 70,000.00 − other funds 14,250.01 = 55,749.99.
    assert entitled_amount(figures, fixed_limited_by_other_funds=True) == D("55749.99")


def test_a_share_follows_the_recognised_expenditure_and_new_cover_proportionally():
    # Planned 81,000.00, grant 60,750.00 = 75 %; recognised 70,000.00 → 52,500.00.
    plan = {"planned_cost": D("81000.00"), "own_contribution": D("20250.00")}
    assert entitled_amount(Figures(SHARE, D("60750.00"), D("70000.00"), **plan)) == D("52500.00")
    # 1,000.01 of third-party funds beyond the plan: 75 % of 68,999.99 = 51,749.9925 → .99.
    more = Figures(SHARE, D("60750.00"), D("70000.00"), third_party=D("1000.01"), **plan)
    assert entitled_amount(more) == D("51749.99")
    # Never above the granted maximum.
    assert entitled_amount(Figures(SHARE, D("60750.00"), D("90000.00"), **plan)) == D("60750.00")


def test_a_shortfall_grant_covers_what_own_and_other_funds_do_not():
    figures = Figures(
        SHORTFALL,
        D("60750.00"),
        D("70000.00"),
        own_contribution=D("6750.00"),
        income=D("1200.50"),
        third_party=D("3000.00"),
    )
    assert entitled_amount(figures) == D("59049.50")
    lower = Figures(SHORTFALL, D("60750.00"), D("5000.00"), own_contribution=D("6750.00"))
    assert entitled_amount(lower) == D("0.00")


def test_full_financing_less_income_and_third_party_funds():
    figures = Figures(FULL, D("50000.00"), D("48000.00"), income=D("500.25"))
    assert entitled_amount(figures) == D("47499.75")


def test_an_unknown_financing_type_is_refused_rather_than_guessed():
    with pytest.raises(UnknownFinancingType):
        entitled_amount(Figures("Zinszuschuss", D("1.00"), D("1.00")))


@pytest.mark.parametrize(
    ("paid", "entitled", "reclaim"),
    [("50000.00", "45000.00", "5000.00"), ("30000.00", "45000.00", "0.00"), ("0", "0", "0.00")],
)
def test_the_reclaim_is_what_was_paid_beyond_the_entitled_grant(paid, entitled, reclaim):
    assert reclaim_amount(D(paid), D(entitled)) == D(reclaim)
