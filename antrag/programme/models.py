"""Programme, rounds (with budget and eligibility) and municipalities (with their AGS)."""

import re
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..engine.calendar import BERLIN
from ..extensions import db
from ..i18n import N_, label
from . import letter_fields

MUNICIPALITY_KINDS = {
    "kreisfreie_stadt": N_("Kreisfreie Stadt"),
    "grosse_kreisangehoerige_stadt": N_("Große kreisangehörige Stadt"),
    "verbandsfreie_gemeinde": N_("Verbandsfreie Gemeinde"),
    "verbandsgemeinde": N_("Verbandsgemeinde"),
    "ortsgemeinde": N_("Ortsgemeinde"),
    "landkreis": N_("Landkreis"),
}
ELIGIBILITY = {
    "invited": N_("Eingeladene Kommunen"),
    "all_cities": N_("Alle Städte des Landes"),
}
# District parts (digits 3–5) of Rhineland-Palatinate's official municipality keys.
RLP_DISTRICTS = frozenset(
    ["111", "211", "311", "312", "313", "314", "315", "316", "317", "318", "319", "320"]
    + ["131", "132", "133", "134", "135", "137", "138", "140", "141", "143"]
    + ["231", "232", "233", "235"]
    + [str(n) for n in range(331, 341)]
)
AGS_RE = re.compile(r"^07\d{6}$")


def ags_problem(ags: str) -> str | None:
    """Return a message if `ags` is not a valid Rhineland-Palatinate key, else None."""
    if not re.fullmatch(r"\d{8}", ags or ""):
        return gettext("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern.")
    if not AGS_RE.match(ags):
        return gettext("Schlüssel aus Rheinland-Pfalz beginnen mit 07.")
    if ags[2:5] not in RLP_DISTRICTS:
        return gettext(
            "%(district)s ist kein Kreis oder keine kreisfreie Stadt in Rheinland-Pfalz.",
            district=ags[2:5],
        )
    return None


class Municipality(db.Model):
    """A municipality of Rhineland-Palatinate, identified by its official key (AGS)."""

    __tablename__ = "municipality"
    __table_args__ = (CheckConstraint("population >= 0", name="population_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ags: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    is_city: Mapped[bool] = mapped_column(Boolean, default=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    # The addressee of decision letters: the head's official title (§ 28 (2) GemO, see
    # letter_fields) and the postal address of the administration.
    head_title: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    town: Mapped[str | None] = mapped_column(String(100))
    # The account the state pays the city's grants to (payments.bank checks the IBAN).
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    account_holder: Mapped[str | None] = mapped_column(String(70))

    @property
    def kind_label(self) -> str:
        return label(MUNICIPALITY_KINDS.get(self.kind, self.kind))

    @property
    def legal_designation(self) -> str:
        """Return the legal person's name, e.g. "Stadt Speyer" or "Verbandsgemeinde Wörth"."""
        return letter_fields.legal_designation(self.name, self.kind, bool(self.is_city))

    @property
    def default_head_title(self) -> str:
        """Return the head's title the kind of municipality gives (§§ 28 (2), 64 (3) GemO)."""
        return letter_fields.default_head_title(self.kind, bool(self.is_city))

    @property
    def represented_by(self) -> str | None:
        """Return "vertreten durch den Oberbürgermeister", or None without a head title."""
        return letter_fields.represented_by(self.head_title)

    @property
    def postal_address(self) -> str | None:
        """Return "Maximilianstraße 100\n67346 Speyer", or None while a part is missing."""
        return letter_fields.postal_address(self.street, self.postal_code, self.town)

    @property
    def address(self) -> str | None:
        """Return the postal address on one line (the former free-text column's readers)."""
        block = self.postal_address
        return block.replace("\n", ", ") if block else None

    def addressee_gaps(self) -> list[str]:
        """Return German messages naming what a notice to this municipality still lacks."""
        gaps = []
        if not (self.head_title or "").strip():
            gaps.append(gettext("die Amtsbezeichnung der Verwaltungsspitze"))
        if not self.street:
            gaps.append(gettext("Straße und Hausnummer der Verwaltung"))
        if not self.postal_code:
            gaps.append(gettext("die Postleitzahl"))
        if not self.town:
            gaps.append(gettext("der Ort"))
        return gaps

    def __repr__(self) -> str:
        return f"<Municipality {self.ags} {self.name}>"


class Programme(db.Model):
    """A funding programme, such as the Interkommunales Netzwerk Digitale Stadt."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(String(2000))
    # The funding guideline (Förderrichtlinie) the notices name as their legal basis beside
    # §§ 23, 44 LHO; entered by the administration.
    guideline_title: Mapped[str | None] = mapped_column(String(300))
    guideline_date: Mapped[date | None] = mapped_column(Date)

    rounds = relationship("Round", back_populates="programme", order_by="Round.opens_on")


round_invitation = Table(
    "round_invitation",
    db.metadata,
    Column("round_id", ForeignKey("round.id"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id"), primary_key=True),
)


class Round(db.Model):
    """A call for applications with its dates, budget, standard amount and eligibility rule."""

    __tablename__ = "round"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="dates_ordered"),
        CheckConstraint("budget >= 0", name="budget_positive"),
        CheckConstraint("standard_amount > 0", name="standard_amount_positive"),
        CheckConstraint("eligibility IN ('invited', 'all_cities')", name="eligibility_known"),
        # The budget can never be overspent or over-promised, whatever runs concurrently
        # (see funding.budget).
        CheckConstraint(
            "committed >= 0 AND reserved >= 0 AND ordered >= 0 AND paid >= 0 AND reclaimed >= 0",
            name="ledger_positive",
        ),
        CheckConstraint("committed + reserved <= budget + reclaimed", name="budget_not_overspent"),
        CheckConstraint("reclaim_due >= 0", name="reclaim_due_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal] = mapped_column(Money())
    standard_amount: Mapped[Decimal] = mapped_column(Money())
    eligibility: Mapped[str] = mapped_column(String(20), default="invited")
    # The budget item the grants are paid from (Haushaltsstelle: Kapitel and Titel).
    budget_chapter: Mapped[str | None] = mapped_column(String(10))
    budget_title: Mapped[str | None] = mapped_column(String(20))
    # Running totals of the budget ledger, changed only by guarded UPDATEs. `reserved` holds
    # the approvals whose notice is not issued yet; issuing moves the amount to `committed`.
    committed: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), server_default="0")
    reserved: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), server_default="0")
    # Released call-offs whose payment the treasury has not confirmed yet (Angewiesen).
    ordered: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), server_default="0")
    paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), server_default="0")
    # Reclaims received (and the legacy kind `reclaim`): they count as available again.
    reclaimed: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"), server_default="0")
    # Reclaims decided but not yet received ("Rückforderung festgesetzt"): not available.
    reclaim_due: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal("0.00"), server_default="0"
    )
    # Commitments of closed notices given back because they were never paid (ledger kind
    # decommitment); `committed` is lowered by the same amount.
    decommitted: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal("0.00"), server_default="0"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme = relationship("Programme", back_populates="rounds")
    invited = relationship("Municipality", secondary=round_invitation, order_by="Municipality.name")

    @property
    def available(self) -> Decimal:
        """Return what the round can still promise: budget − committed − reserved + reclaimed.

        A reclaim counts only once its money is received (`reclaimed`); one merely decided
        (`reclaim_due`) does not.
        """
        return self.budget - self.committed - self.reserved + self.reclaimed

    @property
    def eligibility_label(self) -> str:
        return label(ELIGIBILITY.get(self.eligibility, self.eligibility))

    def is_open(self, now: datetime | None = None) -> bool:
        """Return whether applications may be submitted today (Berlin time, both ends included)."""
        today = (now or utcnow()).astimezone(BERLIN).date()
        return self.opens_on <= today <= self.closes_on

    def is_eligible(self, municipality: Municipality) -> bool:
        """Return whether `municipality` may apply in this round."""
        if self.eligibility == "all_cities":
            return bool(municipality.is_city)
        return any(m.id == municipality.id for m in self.invited)

    def __repr__(self) -> str:
        return f"<Round {self.name}>"
