"""The case file (Akte) of an application as one ZIP, for the archive or the auditors.

The ZIP is written into a file (a temporary one in the view) and every stored document is
copied in chunks, so that a large upload never sits in memory, let alone twice. Names in the
archive are built from ids and a cleaned copy of the uploaded name: no path can escape.
"""

import hashlib
import json
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..applications.revision_diff import shown
from ..applications.storage import path_of
from ..cases.page import history_rows
from ..db_types import utcnow
from ..extensions import db
from ..funding.storage import notice_pdf_path, proof_attachment_path
from . import casefile_data, casefile_revisions

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS.txt"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Member:
    """One file of the archive: its name, size and SHA-256, and what it is."""

    name: str
    size: int
    sha256: str
    description: str
    expected_sha256: str | None = None

    def as_dict(self) -> dict:
        data = {"name": self.name, "size": self.size, "sha256": self.sha256}
        data["description"] = self.description
        if self.expected_sha256 is not None:
            data["expected_sha256"] = self.expected_sha256
            data["matches_stored_checksum"] = self.expected_sha256 == self.sha256
        return data


def may_download(user) -> bool:
    """Return whether `user` may export case files: the ministry's clerks (reviewers) only.

    The Akte is the ministry's audit file; cities see their own case on its pages instead.
    Which application a reviewer may export is further limited by `Application.can_view`.
    """
    return bool(getattr(user, "is_authenticated", False)) and user.role == "reviewer"


def safe_name(name: str, fallback: str = "dokument.pdf") -> str:
    """Return a file name of ASCII letters, digits, `.`, `_` and `-`, never a path."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("_", ascii_name).strip("._-")
    return cleaned[:120] or fallback


class _Writer:
    """Adds members to an open ZIP and remembers each one for the manifest."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.members: list[Member] = []
        self.missing: list[dict] = []

    def add_bytes(self, name: str, data: bytes, description: str) -> None:
        """Add generated content."""
        self.archive.writestr(name, data)
        self.members.append(Member(name, len(data), hashlib.sha256(data).hexdigest(), description))

    def add_file(self, name: str, source: Path | None, description: str, expected: str) -> None:
        """Copy a stored document in chunks; note it as missing if it is not on disk."""
        if source is None or not source.is_file():
            self.missing.append({"name": name, "description": description, "sha256": expected})
            logger.warning("Case file: %s is missing on disk (%s)", name, source)
            return
        digest, size = hashlib.sha256(), 0
        with source.open("rb") as src, self.archive.open(name, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
        self.members.append(Member(name, size, digest.hexdigest(), description, expected))


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _documents(writer: _Writer, application, parts: dict) -> None:
    """Add the application's uploads, the notices' PDFs and the proof-of-use documents."""
    for a in application.attachments:
        name = f"anhaenge/antrag/{a.id}-{safe_name(a.original_name)}"
        writer.add_file(
            name, path_of(a), _("Anhang zum Antrag: %(name)s", name=a.original_name), a.sha256
        )
    notice = parts["notice"]
    if notice is not None and notice.pdf_stored_name:
        name = f"bescheid/Zuwendungsbescheid-{safe_name(notice.file_reference)}.pdf"
        writer.add_file(name, notice_pdf_path(notice), _("Zuwendungsbescheid"), notice.pdf_sha256)
    rejection = parts["rejection"]
    if rejection is not None and rejection.pdf_stored_name:
        name = f"bescheid/Ablehnungsbescheid-{safe_name(rejection.file_reference)}.pdf"
        path = notice_pdf_path(rejection)
        writer.add_file(name, path, _("Ablehnungsbescheid"), rejection.pdf_sha256)
    for amendment in parts.get("amendments", []):
        if amendment.pdf_stored_name:
            name = f"bescheid/Aenderungsbescheid-{safe_name(amendment.file_reference)}.pdf"
            path = notice_pdf_path(amendment)
            writer.add_file(name, path, _("Änderungsbescheid"), amendment.pdf_sha256)
    proof = parts["proof"]
    for d in proof.attachments if proof is not None else []:
        name = f"anhaenge/verwendungsnachweis/{d.id}-{safe_name(d.original_name)}"
        description = _("Beleg zum Verwendungsnachweis: %(name)s", name=d.original_name)
        writer.add_file(name, proof_attachment_path(d), description, d.sha256)


def _messages(writer: _Writer, cases) -> None:
    """Add the messages of every case of the file (internal notes too) and their PDFs."""
    from ..files import upload_folder
    from ..messages.models import CaseMessage

    ids = [case.id for case in cases]
    found = db.session.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id.in_(ids))
        .order_by(CaseMessage.created_at, CaseMessage.id)
    ).all()
    if not found:
        return
    rows = [
        {
            "id": m.id,
            "case_id": m.case_id,
            "at": m.created_at.isoformat(),
            "author": m.author_name,
            "author_role": m.author_role,
            "internal": m.internal,
            "body": m.body,
            "attachment": m.attachment_name,
            "attachment_sha256": m.attachment_sha256,
        }
        for m in found
    ]
    writer.add_bytes("nachrichten.json", _json(rows), _("Nachrichten und interne Notizen (JSON)"))
    for m in found:
        if m.attachment_stored_name:
            name = f"anhaenge/nachrichten/{m.id}-{safe_name(m.attachment_name)}"
            description = _("Anlage zu einer Nachricht: %(name)s", name=m.attachment_name)
            path = upload_folder() / m.attachment_stored_name
            writer.add_file(name, path, description, m.attachment_sha256)


def write(application, target, exported_by) -> list[Member]:
    """Write the case file of `application` as a ZIP into the binary file `target`."""
    parts = casefile_data.related(application)
    cases = casefile_data.cases_of(application, parts)
    data = casefile_data.application_data(application, parts)
    history = casefile_data.history_data(cases)
    created_at = utcnow()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        writer.add_bytes("antrag.json", _json(data), _("Antragsdaten (JSON)"))
        writer.add_bytes("verlauf.json", _json(history), _("Verlauf mit Hash-Kette (JSON)"))
        _documents(writer, application, parts)
        revisions = casefile_revisions.add(writer, application, safe_name)
        _messages(writer, cases)
        summary = render_template(
            "reporting/casefile_summary.html",
            application=application,
            parts=parts,
            cases=[
                (info, history_rows(case))
                for info, case in zip(history["cases"], cases, strict=True)
            ],
            history=history,
            revisions=revisions,
            revision_value=shown,
            members=writer.members,
            missing=writer.missing,
            created_at=created_at,
            exported_by=exported_by,
        )
        writer.add_bytes("akte.html", summary.encode("utf-8"), _("Zusammenfassung zum Lesen"))
        manifest = {
            "application_id": application.id,
            "created_at": created_at.isoformat(),
            "exported_by": exported_by.name,
            "files": [m.as_dict() for m in writer.members],
            "missing": writer.missing,
        }
        archive.writestr(MANIFEST, _json(manifest))
        sums = "".join(f"{m.sha256}  {m.name}\n" for m in writer.members)
        archive.writestr(CHECKSUMS, sums.encode("utf-8"))
    logger.info("Case file of application %s exported by %s", application.id, exported_by.id)
    return writer.members
