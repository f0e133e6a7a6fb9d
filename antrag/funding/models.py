"""Funding notices (Zuwendungsbescheide), call-offs (Mittelabrufe), proofs of use and the ledger."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.snapshot import day, moment, money
from ..db_types import Money, UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db
from ..law.courts import Court, competent_court
from ..notices.service import ACTION_OUTCOME_CHECK, SERVICE_MODE_CHECK, ServiceRecord

FINANCING_TYPE = "Festbetragsfinanzierung"


def _recipients(municipality_id: int, kind: str) -> list:
    """Return the active users of the city (`applicant`) or the ministry (`reviewers`)."""
    from ..mail.outbox import group

    return group(kind, municipality_id)


def _city_or_ministry(user, municipality_id: int) -> bool:
    """Return whether `user` is of the city concerned or a ministry reviewer."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == "applicant":
        return user.municipality_id == municipality_id
    return user.role == "reviewer"


class FileReferenceCounter(db.Model):
    """The last file reference number handed out per year (gap-free: taken in the transaction)."""

    __tablename__ = "file_reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class NoticeToCity:
    """What every notice to a city shares: who is mailed, who sees it, who signs, its court."""

    RECIPIENTS = ("applicant", "reviewers")
    # Kinds whose `recipients` are `outbox.group(kind, self.municipality_id)` (all of them):
    # an API transition on PostgreSQL draws them with its load (`engine.prefetch`).
    MAIL_GROUPS = RECIPIENTS

    def recipients(self, kind: str) -> list:
        """Return the users a mail to `kind` (one of RECIPIENTS) goes to."""
        return _recipients(self.municipality_id, kind)

    # A draft is the ministry's internal work: the city sees a notice once it was signed and
    # sent or provided (never a draft's reasons, never a discarded draft). This constant is
    # the one rule: `can_view` asks it of a row, `visible_to` of a query (lists, API).
    HIDDEN_FROM_CITY = ("drafted", "discarded")

    @classmethod
    def visible_to(cls, user):
        """Return the SQL condition of the notices `user` may see (as `can_view`, row by row).

        The query must be joined to the notice's own case (`Case.id == cls.case_id`)."""
        from ..engine.models import Case

        role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
        if role == "applicant":
            return and_(
                cls.municipality_id == user.municipality_id,
                Case.state.not_in(cls.HIDDEN_FROM_CITY),
            )
        if role == "reviewer":
            return true()
        return false()

    def can_view(self, user) -> bool:
        """The ministry sees every notice; the city concerned once it was issued (else: 404)."""
        if not _city_or_ministry(user, self.municipality_id):
            return False
        return user.role == "reviewer" or self.case.state not in self.HIDDEN_FROM_CITY

    def can_sign_draft(self, user) -> bool:
        """A reviewer with signing authority previews and completes the letter while drafted."""
        return (
            getattr(user, "role", None) == "reviewer"
            and getattr(user, "can_sign", False) is True
            and self.case.state == "drafted"
        )

    # The signer completes a drafted letter outside transitions: not compared by audit.
    EDITED_IN_STATES = ("drafted",)

    def notice_data(self) -> dict:
        """Return the fields every notice's decisive data shares (addressee, PDF, service)."""
        return {
            "municipality_id": self.municipality_id,
            "application_id": self.application_id,
            "file_reference": self.file_reference,
            "addressee_name": self.addressee_name,
            "addressee_head": self.addressee_head,
            "addressee_address": self.addressee_address,
            "issued_at": moment(self.issued_at),
            "issued_by_id": self.issued_by_id,
            "pdf_sha256": self.pdf_sha256,
            "appeal_waived_at": moment(self.appeal_waived_at),
            "final_at": moment(self.final_at),
            "service": {
                "mode": self.service_mode,
                "posted_on": day(self.posted_on),
                "provided_at": moment(self.provided_at),
                "retrieved_at": moment(self.retrieved_at),
                "made_known_on": day(self.made_known_on),
                "action_period_ends_on": day(self.action_period_ends_on),
                "action_filed_on": day(self.action_filed_on),
                "action_court_file_number": self.action_court_file_number,
                "action_outcome": self.action_outcome,
                "action_decided_on": day(self.action_decided_on),
            },
        }

    @property
    def court(self) -> Court:
        """Return the administrative court an action against this notice goes to."""
        return competent_court(self.municipality.ags)


@registry.subject("funding_notice")
class FundingNotice(NoticeToCity, ServiceRecord, db.Model):
    """The funding notice of an approved application; immutable once issued."""

    __tablename__ = "funding_notice"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # The period starts with the notice: unset while the notice is a draft.
        CheckConstraint(
            "period_start IS NULL OR period_end >= period_start", name="period_ordered"
        ),
        CheckConstraint(SERVICE_MODE_CHECK, name="service_mode_known"),
        CheckConstraint(ACTION_OUTCOME_CHECK, name="action_outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    file_reference: Mapped[str] = mapped_column(String(20), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    purpose: Mapped[str] = mapped_column(Text)
    period_start: Mapped[date | None] = mapped_column(Date)  # set when the notice is issued
    period_end: Mapped[date] = mapped_column(Date)
    financing_type: Mapped[str] = mapped_column(String(60), default=FINANCING_TYPE)
    addressee_name: Mapped[str] = mapped_column(String(200))
    addressee_head: Mapped[str | None] = mapped_column(String(200))
    addressee_address: Mapped[str | None] = mapped_column(String(400))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pdf_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    appeal_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    application = relationship("Application")
    round = relationship("Round")
    municipality = relationship("Municipality")
    issued_by = relationship("User")
    call_offs = relationship("CallOff", back_populates="notice", order_by="CallOff.id")

    ENDPOINT = "funding.notice"

    def url_values(self) -> dict:
        """Return the URL values of the notice page (with ENDPOINT)."""
        return {"notice_id": self.id}

    def decisive_data(self) -> dict:
        """Return the notice's amount, period, purpose, addressee, PDF hash and service."""
        return self.notice_data() | {
            "amount": money(self.amount),
            "purpose": self.purpose,
            "period_start": day(self.period_start),
            "period_end": day(self.period_end),
            "financing_type": self.financing_type,
        }


BUDGET_KINDS = (
    "reservation",
    "release",
    "commitment",
    "order",
    "payment",
    "reclaim",
    "annulment",
    "reduction",
    "reclaim_due",
    "reclaim_received",
    "reclaim_cancelled",
    "decommitment",
)


class BudgetEntry(db.Model):
    """One line of a round's ledger: reservation, release, commitment, order, payment, reclaims…

    An order books a released call-off as ordered (angewiesen); its payment, once the
    treasury confirms it, moves the amount from ordered to paid.
    An annulment gives the commitment of a notice the court annulled back to the round; a
    reduction gives back the part an amendment notice took off the amount; a decommitment
    gives back the part of a closed notice's commitment that was never paid (at most one per
    notice, enforced by a partial unique index). A reclaim decided is booked `reclaim_due`,
    its money received `reclaim_received` (only then available to the round), an annulled
    reclaim notice `reclaim_cancelled`. The old kind `reclaim` (booked at the proof's
    acceptance before migration 0019) counts as received.
    """

    __tablename__ = "budget_entry"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in BUDGET_KINDS) + ")",
            name="kind_known",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "uq_budget_entry_decommitment",
            "notice_id",
            unique=True,
            sqlite_where=text("kind = 'decommitment'"),
            postgresql_where=text("kind = 'decommitment'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    notice = relationship("FundingNotice")


class _PartOfNotice:
    """A case that belongs to a notice: its mails and its visibility follow the notice."""

    RECIPIENTS = ("applicant", "reviewers")

    def recipients(self, kind: str) -> list:
        """Return the users a mail to `kind` (one of RECIPIENTS) goes to."""
        return _recipients(self.notice.municipality_id, kind)

    def can_view(self, user) -> bool:
        """Whoever may see the notice may see this part of it."""
        return self.notice.can_view(user)


@registry.subject("call_off")
class CallOff(_PartOfNotice, db.Model):
    """A call-off of funds (Mittelabruf) against a final funding notice."""

    __tablename__ = "call_off"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The city's account when it called off (None on call-offs from before migration 0017).
    payee_iban: Mapped[str | None] = mapped_column(String(34))
    payee_bic: Mapped[str | None] = mapped_column(String(11))
    account_holder: Mapped[str | None] = mapped_column(String(70))

    case = relationship("Case", lazy="joined", innerjoin=True)
    notice = relationship("FundingNotice", back_populates="call_offs")
    requested_by = relationship("User")
    payment_order = relationship("PaymentOrder", back_populates="call_off", uselist=False)

    ENDPOINT = "funding.call_off"

    def url_values(self) -> dict:
        """Return the URL values of the call-off page (with ENDPOINT)."""
        return {"call_off_id": self.id}

    def decisive_data(self) -> dict:
        """Return the call-off's notice, amount, note, requester, account and payment."""
        return {
            "notice_id": self.notice_id,
            "amount": money(self.amount),
            "note": self.note,
            "requested_by_id": self.requested_by_id,
            "payee_iban": self.payee_iban,
            "payee_bic": self.payee_bic,
            "account_holder": self.account_holder,
            "paid_at": moment(self.paid_at),
        }


@registry.subject("proof_of_use")
class ProofOfUse(_PartOfNotice, db.Model):
    """The proof of use (Verwendungsnachweis) of a funding notice."""

    __tablename__ = "proof_of_use"
    __table_args__ = (
        CheckConstraint("reclaim_amount IS NULL OR reclaim_amount >= 0", name="reclaim_positive"),
        CheckConstraint(
            "recognised_total IS NULL OR recognised_total >= 0", name="recognised_positive"
        ),
        CheckConstraint(
            "entitled_amount IS NULL OR entitled_amount >= 0", name="entitled_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("funding_notice.id"), unique=True)
    report: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reclaim_amount: Mapped[Decimal | None] = mapped_column(Money())
    # Fixed by the proposal of the acceptance, stored again by settle_proof on acceptance.
    recognised_total: Mapped[Decimal | None] = mapped_column(Money())
    entitled_amount: Mapped[Decimal | None] = mapped_column(Money())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined", innerjoin=True)
    notice = relationship("FundingNotice")
    lines = relationship(
        "ExpenditureLine", cascade="all, delete-orphan", order_by="ExpenditureLine.id"
    )
    attachments = relationship("ProofAttachment", order_by="ProofAttachment.id")
    receipts = relationship(
        "ProofReceipt", cascade="all, delete-orphan", order_by="ProofReceipt.id"
    )
    funds = relationship("ProofFunds", cascade="all, delete-orphan", order_by="ProofFunds.id")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    ENDPOINT = "funding.proof"

    def url_values(self) -> dict:
        """Return the URL values of the proof-of-use page (with ENDPOINT)."""
        return {"proof_id": self.id}

    # Edited outside transitions in these states, so not compared by audit: the city's report,
    # receipts and funds while due or sent back; the reviewer's item-by-item review while
    # submitted (the proposal fixes it, effect fix_review).
    EDITED_IN_STATES = ("due", "changes_requested", "submitted")

    def can_edit(self, user) -> bool:
        """The city edits its report while it is due or changes were requested."""
        return (
            getattr(user, "role", None) == "applicant"
            and user.municipality_id == self.notice.municipality_id
            and self.case.state in ("due", "changes_requested")
        )

    def can_review(self, user) -> bool:
        """A ministry reviewer checks the items while the proof is submitted (not proposed)."""
        return getattr(user, "role", None) == "reviewer" and self.case.state == "submitted"

    def decisive_data(self) -> dict:
        """Return the proof's decisive figures as JSON-safe values (for the history hash)."""
        from .proof_models import proof_decisive_data

        return proof_decisive_data(self) | {"report": self.report}


class ExpenditureLine(db.Model):
    """The money spent on one project, as the city reports it, and what the reviewer recognises.

    An amount not recognised (recognised below spent) needs the reviewer's reason.
    """

    __tablename__ = "expenditure_line"
    __table_args__ = (
        CheckConstraint("spent >= 0", name="spent_positive"),
        CheckConstraint(
            "recognised IS NULL OR (recognised >= 0 AND recognised <= spent)",
            name="recognised_within_spent",
        ),
        CheckConstraint(
            "recognised IS NULL OR recognised = spent OR not_recognised_reason IS NOT NULL",
            name="not_recognised_reasoned",
        ),
        UniqueConstraint("proof_id", "project_id", name="uq_expenditure_line_project"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof_of_use.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    spent: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str | None] = mapped_column(Text)
    recognised: Mapped[Decimal | None] = mapped_column(Money())
    not_recognised_reason: Mapped[str | None] = mapped_column(Text)

    project = relationship("Project")


class ProofAttachment(db.Model):
    """A document attached to a proof of use (invoices, reports), stored like all uploads."""

    __tablename__ = "proof_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof_of_use.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The call-off's payment order lives in its own package; import it so the mapper finds it
# wherever the funding models are used.
from ..payments import models as _payment_models  # noqa: E402, F401
from .proof_models import ProofFunds, ProofReceipt  # noqa: E402,F401 - register the tables
