"""The counters of the limits: how often a form was sent per client or e-mail address."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class RateCount(db.Model):
    """How often `scope` was used for one key since `window_start` (a fixed window).

    The key (a client address or an e-mail address) is stored only as an HMAC with the
    secret key, so the table holds no readable addresses.
    """

    __tablename__ = "rate_count"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    hits: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<RateCount {self.scope} {self.key_hash[:8]} {self.hits} since {self.window_start}>"
