"""What the city may keep of its grant after the proof of use: a pure function of the figures.

The financing type fixed in the notice decides how the grant follows the recognised
(zuwendungsfähige, anerkannte) expenditure and the cover the city declares:

- Festbetragsfinanzierung (VV Nr. 2.2.3 zu § 44 LHO): a fixed amount "an den
  zuwendungsfähigen Ausgaben". It is not reduced when the expenditure turns out lower or
  other funds come in (ANBest-K/-P Nr. 2 list only the share and the shortfall types for a
  later reduction), but it can never exceed the recognised expenditure: it is reduced only
  when that falls below it. Whether income and third-party funds declared afterwards also
  limit the fixed amount (no over-financing: grant + other funds ≤ expenditure) is a rule
  some Länder print in their conditions; here it is the setting
  `FIXED_AMOUNT_LIMITED_BY_OTHER_FUNDS` (default off, the VV wording).
- Anteilfinanzierung (VV Nr. 2.2.1): a share of the eligible expenditure up to the granted
  maximum; the share is the grant's part of the planned cost. New or higher cover reduces
  it proportionally (ANBest Nr. 2.1): the share is applied to the expenditure less the
  cover beyond what the plan foresaw.
- Fehlbedarfsfinanzierung (VV Nr. 2.2.2): the grant covers what the city cannot cover from
  its own and others' funds, up to the granted maximum; any new cover reduces it in full
  (ANBest Nr. 2.2).
- Vollfinanzierung (VV Nr. 2.3): the whole expenditure less any income and third-party
  funds, up to the granted amount (ANBest Nr. 2.2).

Sources: VV zu § 44 LHO Nr. 2.2.1–2.2.3 and 2.3 (VV-LHO Rheinland-Pfalz vom 20. Dezember
2002, MinBl. 2003 S. 22; wording as in the common VV text of Bund and Länder, read in the
NRW edition, "Haushaltsrecht Nordrhein-Westfalen – VV zu § 44 LHO", Nr. 2.2); ANBest-K Nr. 2
"Nachträgliche Ermäßigung der Ausgaben oder Änderung der Finanzierung"
(antrag/letters/data/anbest_k.yaml). See README, "Rechtliche Grundlagen".
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

FIXED = "Festbetragsfinanzierung"
SHARE = "Anteilfinanzierung"
SHORTFALL = "Fehlbedarfsfinanzierung"
FULL = "Vollfinanzierung"
FINANCING_TYPES = (FIXED, SHARE, SHORTFALL, FULL)


class UnknownFinancingType(ValueError):
    """The notice names a financing type this function does not know."""


@dataclass(frozen=True)
class Figures:
    """The figures the entitled grant follows from (all amounts in euro, exact to the cent).

    `planned_cost` and `planned_third_party` come from the application's financing plan;
    `income` and `third_party` are what the city declares in the proof of use.
    """

    financing_type: str
    granted: Decimal
    recognised: Decimal
    own_contribution: Decimal = ZERO
    income: Decimal = ZERO
    third_party: Decimal = ZERO
    planned_cost: Decimal | None = None
    planned_third_party: Decimal = ZERO


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, granted: Decimal) -> Decimal:
    """Return `value` within 0 and the granted amount, to the cent."""
    return _cents(min(max(value, ZERO), granted))


def entitled_amount(f: Figures, *, fixed_limited_by_other_funds: bool = False) -> Decimal:
    """Return the grant the city may keep; raise UnknownFinancingType for another type."""
    other_funds = f.income + f.third_party
    if f.financing_type == FIXED:
        basis = f.recognised - other_funds if fixed_limited_by_other_funds else f.recognised
        return _clamp(basis, f.granted)
    if f.financing_type == SHARE:
        if not f.planned_cost:
            # Without a planned cost there is no share; the grant is then the whole cost's.
            return _clamp(f.recognised - other_funds, f.granted)
        share = f.granted / f.planned_cost
        new_cover = max(other_funds - f.planned_third_party, ZERO)
        return _clamp((f.recognised - new_cover) * share, f.granted)
    if f.financing_type == SHORTFALL:
        return _clamp(f.recognised - f.own_contribution - other_funds, f.granted)
    if f.financing_type == FULL:
        return _clamp(f.recognised - other_funds, f.granted)
    raise UnknownFinancingType(f.financing_type)


def reclaim_amount(paid: Decimal, entitled: Decimal) -> Decimal:
    """Return what was paid beyond the entitled grant (never negative)."""
    return _cents(max(paid - entitled, ZERO))
