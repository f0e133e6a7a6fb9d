"""Access requests: an account for an unverified address waits until someone who may confirms.

Anyone can type any municipality and any address into a public form (a meeting
registration). An account made from such an address gets the role `pending`: it belongs to
no municipality and every permission question refuses it, because each asks for a real
role. It becomes an applicant of the municipality only when an active applicant account of
that municipality confirms it, or the ministry (reviewer, admin) does so stating that it
checked the person some other way. The request row keeps who decided, when and as whom.
Operations never commit.
"""

import logging
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..mail.outbox import absolute_url, enqueue_to_address
from ..security import security_event
from .invitations import Invitation, invite_applicant
from .models import User
from .operations import AccountError
from .sessions import end_sessions_of

logger = logging.getLogger(__name__)
MINISTRY_ROLES = ("reviewer", "admin")
SOURCE_MEETING = "meeting_registration"  # the public registration form of a meeting


class AlreadyDecided(AccountError):
    """Someone decided the request first (a conflict: 409)."""


class AccessRequest(db.Model):
    """The request that a pending account may act for a municipality, and its decision."""

    __tablename__ = "access_request"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR outcome IN ('confirmed', 'refused')", "outcome_known"),
        CheckConstraint(
            "decided_as IS NULL OR decided_as IN ('city', 'ministry')", "decided_as_known"
        ),
        CheckConstraint(
            "(outcome IS NULL) = (decided_at IS NULL) AND (outcome IS NULL) = (decided_by_id IS "
            "NULL) AND (outcome IS NULL) = (decided_as IS NULL)",
            "decision_complete",
        ),
        CheckConstraint(
            "NOT (outcome = 'confirmed' AND decided_as = 'ministry' AND NOT risk_acknowledged)",
            "ministry_acknowledges_risk",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(10))
    decided_as: Mapped[str | None] = mapped_column(String(10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ministry stated that the address comes from an unverified public form and that it
    # checked the person some other way.
    risk_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    user = relationship("User", foreign_keys=[user_id])
    municipality = relationship("Municipality")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    def can_view(self, user) -> bool:
        """The applicants of the municipality concerned and the ministry see it (else 404)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.active:
            return False
        if user.role == "applicant":
            return user.municipality_id == self.municipality_id
        return user.role in MINISTRY_ROLES

    def can_decide(self, user) -> bool:
        """Return whether `user` may confirm or refuse the request now."""
        return self.outcome is None and self.can_view(user) and user.id != self.user_id

    def __repr__(self) -> str:
        return f"<AccessRequest {self.id} user={self.user_id} outcome={self.outcome}>"


def request_access(*, email: str, name: str, municipality, actor, source: str = SOURCE_MEETING):
    """Create a pending account with its set-password link and tell the city's accounts.

    Return (account, request, link secret); refuse an e-mail that already has an account.
    """
    user, token = invite_applicant(
        email=email, name=name, municipality=municipality, actor=actor, pending=True
    )
    request = AccessRequest(
        user=user, municipality=municipality, source=source, requested_by_id=actor.id
    )
    db.session.add(request)
    db.session.flush()
    page = absolute_url("access.request_page", request_id=request.id)
    for colleague in city_accounts(municipality.id):
        enqueue_to_address(
            "access_requested", colleague.email, colleague.name, request=request, case_url=page
        )
    security_event("account_requested", user=actor, obj=user, municipality=municipality.ags)
    logger.info("Access of user %s to municipality %s requested", user.id, municipality.id)
    return user, request, token


def city_accounts(municipality_id: int) -> list[User]:
    """Return the active applicant accounts of the municipality: those who may confirm."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == "applicant",
                User.municipality_id == municipality_id,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def open_requests(user) -> list[AccessRequest]:
    """Return the undecided requests `user` may decide, oldest first."""
    query = select(AccessRequest).where(AccessRequest.outcome.is_(None))
    if getattr(user, "role", None) == "applicant":
        query = query.where(AccessRequest.municipality_id == user.municipality_id)
    elif getattr(user, "role", None) not in MINISTRY_ROLES:
        return []
    found = db.session.scalars(query.order_by(AccessRequest.created_at, AccessRequest.id))
    return [r for r in found if r.can_decide(user)]


def request_of(user) -> AccessRequest | None:
    """Return the access request of a (pending) account, if it has one."""
    return db.session.scalars(select(AccessRequest).where(AccessRequest.user_id == user.id)).first()


def confirm(request: AccessRequest, actor, *, risk_acknowledged: bool = False) -> User:
    """Make the pending account an applicant of the municipality; raise AccountError."""
    decided_as = _decided_as(request, actor)
    if decided_as == "ministry" and not risk_acknowledged:
        raise AccountError(
            _(
                "Bitte bestätigen Sie, dass Sie die Person auf anderem Weg geprüft haben: "
                "Die Adresse stammt aus einem öffentlichen Formular und ist nicht geprüft."
            ),
            "risk_acknowledged",
        )
    _decide(request, actor, "confirmed", decided_as, risk_acknowledged)
    user = request.user
    user.role, user.municipality_id = "applicant", request.municipality_id
    db.session.flush()
    enqueue_to_address(
        "access_confirmed",
        user.email,
        user.name,
        request=request,
        case_url=absolute_url("accounts.login"),
    )
    return user


def refuse(request: AccessRequest, actor) -> User:
    """Refuse the request: the account is deactivated and its set-password link expires."""
    _decide(request, actor, "refused", _decided_as(request, actor), False)
    user = request.user
    user.active = False
    end_sessions_of(user, "deactivated")
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(expires_at=request.decided_at)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return user


def _decided_as(request: AccessRequest, actor) -> str:
    """Return as whom `actor` decides (`city` or `ministry`), or raise AccountError."""
    if request.outcome is not None:
        raise AlreadyDecided(_("Über diese Zugangsanfrage wurde bereits entschieden."))
    if not request.can_decide(actor):
        raise AccountError(_("Über diese Zugangsanfrage können Sie nicht entscheiden."))
    return "city" if actor.role == "applicant" else "ministry"


def _decide(request, actor, outcome: str, decided_as: str, risk_acknowledged: bool) -> None:
    """Record the decision with a compare-and-set, so that two people cannot both decide."""
    now = utcnow()
    result = db.session.execute(
        update(AccessRequest)
        .where(AccessRequest.id == request.id, AccessRequest.outcome.is_(None))
        .values(
            outcome=outcome,
            decided_as=decided_as,
            decided_by_id=actor.id,
            decided_at=now,
            risk_acknowledged=risk_acknowledged,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyDecided(_("Über diese Zugangsanfrage wurde bereits entschieden."))
    db.session.refresh(request)
    security_event(
        f"account_{outcome}",
        user=actor,
        obj=request.user,
        municipality=request.municipality.ags,
        decided_as=decided_as,
        risk_acknowledged=risk_acknowledged,
    )
    logger.info("Access request %s %s by %s:%s", request.id, outcome, actor.role, actor.id)
