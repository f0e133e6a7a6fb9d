"""The service record of a notice: how it was made known, and the action period it starts.

A notice takes effect when it is made known to the city (§ 43 (1) VwVfG), not when it is
signed. It is served by post (made known on the third, from 2025 the fourth day after
posting, § 41 (2) VwVfG) or provided for retrieval in Antrag with the city's consent
(made known the day after the city retrieved it, § 41 (2a) VwVfG). The action period
(§ 74 (1) VwGO) runs from that day. The arithmetic lives in `antrag.law.periods`; this
module records its results on the notice.
"""

from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..engine.calendar import BERLIN
from ..law.periods import (
    action_period_end,
    made_known_by_post,
    made_known_electronically,
    retrieval_deadline,
)

SERVICE_MODES = ("post", "electronic")
ACTION_OUTCOMES = ("dismissed", "withdrawn", "annulled")
SERVICE_MODE_CHECK = "service_mode IS NULL OR service_mode IN ('post', 'electronic')"
ACTION_OUTCOME_CHECK = (
    "action_outcome IS NULL OR action_outcome IN ('dismissed', 'withdrawn', 'annulled')"
)


class ServiceRecord:
    """Columns of a notice's service and of an action filed against it (a declarative mixin)."""

    service_mode: Mapped[str | None] = mapped_column(String(12))
    posted_on: Mapped[date | None] = mapped_column(Date)
    provided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retrieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    made_known_on: Mapped[date | None] = mapped_column(Date)
    action_period_ends_on: Mapped[date | None] = mapped_column(Date)
    action_filed_on: Mapped[date | None] = mapped_column(Date)
    action_court_file_number: Mapped[str | None] = mapped_column(String(60))
    action_outcome: Mapped[str | None] = mapped_column(String(12))
    action_decided_on: Mapped[date | None] = mapped_column(Date)

    @property
    def retrieval_ends_on(self) -> date | None:
        """Return the last day the city can retrieve a notice provided electronically."""
        if self.provided_at is None:
            return None
        return retrieval_deadline(berlin_day(self.provided_at))


def berlin_day(moment: datetime) -> date:
    """Return the calendar day of `moment` in Europe/Berlin."""
    return moment.astimezone(BERLIN).date()


def end_of_day(day: date) -> datetime:
    """Return the last second of `day` in Europe/Berlin (when a period ending that day ends)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)


def _shifts() -> bool:
    return bool(current_app.config.get("SERVICE_FICTION_SHIFTS_TO_WORKING_DAY", False))


def _start_period(notice: ServiceRecord, made_known: date) -> datetime:
    notice.made_known_on = made_known
    notice.action_period_ends_on = action_period_end(made_known)
    return end_of_day(notice.action_period_ends_on)


def serve_by_post(notice: ServiceRecord, posted_on: date) -> datetime:
    """Record posting on `posted_on`; return when the action period ends (§ 41 (2) VwVfG)."""
    notice.service_mode = "post"
    notice.posted_on = posted_on
    return _start_period(notice, made_known_by_post(posted_on, _shifts()))


def provide(notice: ServiceRecord, now: datetime) -> datetime:
    """Record the provision for retrieval; return when the retrieval window closes."""
    notice.service_mode = "electronic"
    notice.provided_at = now
    notice.posted_on = notice.retrieved_at = notice.made_known_on = None
    notice.action_period_ends_on = None
    return end_of_day(notice.retrieval_ends_on)


def retrieve(notice: ServiceRecord, now: datetime) -> datetime:
    """Record the city's retrieval; return when the action period ends (§ 41 (2a) VwVfG)."""
    notice.retrieved_at = now
    return _start_period(notice, made_known_electronically(berlin_day(now)))


def fail_retrieval(notice: ServiceRecord) -> None:
    """Record that the notice was not retrieved in time: it was not made known (§ 41 (2a) S. 4)."""
    notice.made_known_on = notice.action_period_ends_on = None


def record_action(notice: ServiceRecord, filed_on: date, court_file_number: str) -> None:
    """Record that the city brought an action against the notice."""
    notice.action_filed_on = filed_on
    notice.action_court_file_number = court_file_number
    notice.action_outcome = notice.action_decided_on = None


def record_outcome(notice: ServiceRecord, outcome: str, decided_on: date) -> None:
    """Record how the action ended (dismissed, withdrawn, or the notice annulled)."""
    if outcome not in ACTION_OUTCOMES:
        raise ValueError(outcome)
    notice.action_outcome = outcome
    notice.action_decided_on = decided_on
