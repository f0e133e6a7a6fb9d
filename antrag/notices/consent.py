"""The city's consent to electronic service of its notices (§ 41 (2a) VwVfG).

A notice may be provided for retrieval in Antrag instead of posted only "mit Einwilligung
des Beteiligten" (§ 41 (2a) S. 1 VwVfG, with § 1 (1) LVwVfG RLP). The consent is declared
for the city by an account entitled to represent it (§ 47 GemO) and can be revoked; each
declaration is one row, so the record shows who consented and who revoked, and when.
"""

import logging
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

logger = logging.getLogger(__name__)


class ServiceConsent(db.Model):
    """One declaration of a city's consent to electronic service, until it is revoked."""

    __tablename__ = "service_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    declared_as: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    municipality = relationship("Municipality")
    declared_by = relationship("User", foreign_keys=[declared_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])


def current_consent(municipality_id: int) -> ServiceConsent | None:
    """Return the city's consent in force, if any."""
    return db.session.scalar(
        select(ServiceConsent)
        .where(
            ServiceConsent.municipality_id == municipality_id,
            ServiceConsent.revoked_at.is_(None),
        )
        .order_by(ServiceConsent.id.desc())
        .limit(1)
    )


def may_declare(user) -> bool:
    """Only a city account entitled to represent the city declares or revokes the consent."""
    return (
        getattr(user, "role", None) == "applicant"
        and getattr(user, "may_represent", False) is True
        and user.municipality_id is not None
    )


def declare(user) -> ServiceConsent:
    """Record the consent of the user's city (kept if one is in force); never commits."""
    if not may_declare(user):
        raise PermissionError("may not represent the city")
    consent = current_consent(user.municipality_id)
    if consent is None:
        consent = ServiceConsent(
            municipality_id=user.municipality_id,
            declared_by_id=user.id,
            declared_as=getattr(user, "represents_as", None),
            declared_at=utcnow(),
        )
        db.session.add(consent)
        db.session.flush()
        logger.info(
            "Electronic service consented for municipality %s by %s", user.municipality_id, user.id
        )
    return consent


def revoke(user) -> ServiceConsent | None:
    """Revoke the consent of the user's city; notices already provided stay provided."""
    if not may_declare(user):
        raise PermissionError("may not represent the city")
    consent = current_consent(user.municipality_id)
    if consent is not None:
        consent.revoked_at = utcnow()
        consent.revoked_by_id = user.id
        db.session.flush()
        logger.info(
            "Electronic service consent revoked for municipality %s by %s",
            user.municipality_id,
            user.id,
        )
    return consent
