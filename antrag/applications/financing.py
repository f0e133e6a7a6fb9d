"""The application's financing plan (Finanzierungsplan) and the guard that it balances.

VV Nr. 3.2.1 zu § 44 LHO (Verwaltungsvorschrift zum Vollzug der Landeshaushaltsordnung
Rheinland-Pfalz vom 20. Dezember 2002, MinBl. 2003 S. 22) asks for a financing plan with
the application: the eligible costs and how they are covered. Here the total cost is the
sum of the projects' eligible (estimated) costs, covered by the city's own contribution,
third-party funds (Drittmittel) and the grant (the requested amount). The grant may
never exceed the costs less the own contribution, and the plan must balance to the cent
(VV Nr. 1.2 zu § 44 LHO: no grant for a project whose whole financing is not secured).
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from ..db_types import CENT
from ..engine import guard
from ..formats import format_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FinancingPlan:
    """Total cost and its cover; an amount not entered yet is None (third-party funds: 0)."""

    total_cost: Decimal | None
    own_contribution: Decimal | None
    third_party_funds: Decimal
    grant: Decimal | None
    standard_amount: Decimal | None = None  # the round's cap of the grant, if known

    @property
    def complete(self) -> bool:
        """Return whether every figure the plan needs is entered."""
        return None not in (self.total_cost, self.own_contribution, self.grant)

    @property
    def cover(self) -> Decimal:
        """Return own contribution + third-party funds + grant (missing figures as 0)."""
        return (
            (self.own_contribution or ZERO) + self.third_party_funds + (self.grant or ZERO)
        ).quantize(CENT)

    @property
    def difference(self) -> Decimal:
        """Return the cover less the total cost: positive is over-financed, negative a gap."""
        return (self.cover - (self.total_cost or ZERO)).quantize(CENT)

    @property
    def grant_cap(self) -> Decimal | None:
        """Return the most the grant may be: the costs less the own contribution."""
        if self.total_cost is None:
            return None
        return max(ZERO, self.total_cost - (self.own_contribution or ZERO)).quantize(CENT)

    @property
    def balances(self) -> bool:
        """Return whether the plan is complete, balances to the cent and keeps every cap."""
        return self.complete and not self.gaps()

    def gaps(self) -> list[tuple[str, str]]:
        """Return (field name, German message) for every figure that is off, and by how much."""
        found = []
        if self.total_cost is None:
            found.append(
                ("projects", _("Finanzierungsplan: Bitte geben Sie die Kosten der Projekte an."))
            )
        if self.own_contribution is None:
            found.append(
                ("own_contribution", _("Finanzierungsplan: Bitte geben Sie den Eigenanteil an."))
            )
        if self.grant is None:
            found.append(
                (
                    "requested_amount",
                    _("Finanzierungsplan: Bitte geben Sie die beantragte Zuwendung an."),
                )
            )
        if not self.complete:
            return found
        cap = self.grant_cap
        if self.grant > cap:
            found.append(
                (
                    "requested_amount",
                    _(
                        "Die beantragte Zuwendung von %(grant)s übersteigt die Gesamtkosten "
                        "abzüglich des Eigenanteils (%(cap)s) um %(excess)s.",
                        grant=format_money(self.grant),
                        cap=format_money(cap),
                        excess=format_money(self.grant - cap),
                    ),
                )
            )
        if self.standard_amount is not None and self.grant > self.standard_amount:
            found.append(
                (
                    "requested_amount",
                    _(
                        "Die beantragte Zuwendung von %(grant)s übersteigt den Regelbetrag der "
                        "Runde (%(cap)s) um %(excess)s.",
                        grant=format_money(self.grant),
                        cap=format_money(self.standard_amount),
                        excess=format_money(self.grant - self.standard_amount),
                    ),
                )
            )
        difference = self.difference
        if difference:
            found.append(
                (
                    "third_party_funds",
                    _(
                        "Der Finanzierungsplan geht nicht auf: Eigenanteil, Drittmittel und "
                        "Zuwendung ergeben %(cover)s, die Gesamtkosten betragen %(total)s "
                        "(%(what)s %(amount)s).",
                        cover=format_money(self.cover),
                        total=format_money(self.total_cost),
                        what=_("Überfinanzierung um") if difference > 0 else _("Deckungslücke von"),
                        amount=format_money(abs(difference)),
                    ),
                )
            )
        return found


def plan_of(application) -> FinancingPlan:
    """Return the financing plan of `application` from its stored figures."""
    costs = [p.estimated_cost for p in application.projects if p.estimated_cost is not None]
    round_ = getattr(application, "round", None)
    return FinancingPlan(
        total_cost=sum(costs, ZERO).quantize(CENT) if costs else None,
        own_contribution=application.own_contribution,
        third_party_funds=application.third_party_funds or ZERO,
        grant=application.requested_amount,
        standard_amount=getattr(round_, "standard_amount", None),
    )


def plan_refusal(ctx) -> str:
    """Return the guard's German reason: the first figures that are off, by how much."""
    messages = [message for _name, message in plan_of(ctx.subject).gaps()]
    return " ".join(messages)


@guard("financing_plan_balances", plan_refusal)
def financing_plan_balances(ctx) -> bool:
    """The plan is complete, balances to the cent, and the grant keeps within its caps."""
    return plan_of(ctx.subject).balances
