"""The rejection notice (Ablehnungsbescheid) of a co-signed rejection."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..engine import registry
from ..extensions import db
from ..funding.models import NoticeToCity
from .service import ACTION_OUTCOME_CHECK, SERVICE_MODE_CHECK, ServiceRecord


@registry.subject("rejection_notice")
class RejectionNotice(NoticeToCity, ServiceRecord, db.Model):
    """The written decision refusing an application, with its reasons (§ 39 VwVfG)."""

    __tablename__ = "rejection_notice"
    __table_args__ = (
        CheckConstraint(SERVICE_MODE_CHECK, name="service_mode_known"),
        CheckConstraint(ACTION_OUTCOME_CHECK, name="action_outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    file_reference: Mapped[str] = mapped_column(String(20), unique=True)
    reasons: Mapped[str] = mapped_column(Text)
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

    ENDPOINT = "notices.rejection"

    def url_values(self) -> dict:
        """Return the URL values of the rejection notice page (with ENDPOINT)."""
        return {"notice_id": self.id}

    def decisive_data(self) -> dict:
        """Return the notice's reasons, addressee, PDF hash and service."""
        return self.notice_data() | {"reasons": self.reasons}
