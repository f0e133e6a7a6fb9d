"""The upload folder follows the database: files stay only with a committed transaction.

Every stored file (uploads, notice PDFs) is written under a fresh generated name and
recorded in `stored_file` in the same transaction as the row that refers to it. When that
transaction rolls back, the files it wrote are deleted at once. A file left behind by a
process that died before its commit has no `stored_file` row; `flask network purge`
removes such orphans once they are older than ORPHAN_GRACE (younger ones may belong to a
transaction still running). A file written inside a savepoint that is rolled back while
the outer transaction commits is such an orphan too.
"""

import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db_types import UTCDateTime, utcnow
from .extensions import db

logger = logging.getLogger(__name__)
ORPHAN_GRACE = timedelta(days=1)
_WRITTEN = "antrag.files_written"  # session.info key: paths written in this transaction
# Only names write_new generates are ever swept, whatever else lies in the folder.
GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,8}$")


class StoredFile(db.Model):
    """One file in the upload folder, recorded by the transaction that wrote it."""

    __tablename__ = "stored_file"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def upload_folder() -> Path:
    """Return the upload folder outside the web root (created if missing)."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_new(data: bytes, suffix: str = ".pdf") -> tuple[str, str]:
    """Write `data` under a fresh generated name with the transaction; return (name, SHA-256)."""
    name = f"{secrets.token_hex(16)}{suffix}"
    sha256 = hashlib.sha256(data).hexdigest()
    session = db.session()
    db.session.add(StoredFile(name=name, sha256=sha256, created_at=utcnow()))
    path = upload_folder() / name
    session.info.setdefault(_WRITTEN, []).append(path)
    path.write_bytes(data)
    return name, sha256


@event.listens_for(Session, "after_commit")
def _keep_written(session) -> None:
    """The transaction committed: its files stay."""
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_transaction_end")
def _delete_unkept(session, transaction) -> None:
    """The outermost transaction ended without a commit (rollback, close): delete its files."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)
        logger.info("Deleted %s written by a transaction that was rolled back", path.name)


def remove_orphans(now: datetime | None = None) -> int:
    """Delete files of the upload folder that no `stored_file` row records, if old enough."""
    folder = upload_folder()
    limit = ((now or utcnow()) - ORPHAN_GRACE).timestamp()
    candidates = [
        p
        for p in folder.iterdir()
        if GENERATED_NAME.match(p.name) and p.is_file() and p.stat().st_mtime < limit
    ]
    known = set()
    for start in range(0, len(candidates), 500):
        names = [p.name for p in candidates[start : start + 500]]
        known.update(db.session.scalars(select(StoredFile.name).where(StoredFile.name.in_(names))))
    orphans = [p for p in candidates if p.name not in known]
    for path in orphans:
        path.unlink(missing_ok=True)
    if orphans:
        logger.info("Deleted %d orphaned files from the upload folder", len(orphans))
    return len(orphans)
