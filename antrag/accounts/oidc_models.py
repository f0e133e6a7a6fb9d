"""A login started at the identity provider: the state, nonce and PKCE verifier it carries.

The row makes the state and the nonce single-use in the database, not only in the browser's
session: a callback replayed (with a copy of an old cookie, or by another worker) finds the
row already used and is refused.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class OidcLoginRequest(db.Model):
    """One authorization request sent to the provider, used at most once."""

    __tablename__ = "oidc_login_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the state; the state itself lives only in the browser's session.
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OidcLoginRequest {self.id} used={self.used_at}>"
