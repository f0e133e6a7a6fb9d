"""Storing uploaded files outside the web root under generated names.

The files are written with the transaction (`antrag.files`): a rollback leaves none behind.
"""

import logging
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..files import upload_folder, write_new
from .models import Attachment

logger = logging.getLogger(__name__)
PDF_MAGIC = b"%PDF-"


class UploadRefused(ValueError):
    """The file may not be stored; the message says why (German)."""


def check_pdf(data: bytes) -> None:
    """Raise UploadRefused unless `data` is a non-empty PDF within the size limit."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise UploadRefused(_("Die Datei ist leer."))
    if len(data) > limit:
        raise UploadRefused(_("Die Datei ist größer als %(mb)s MB.", mb=limit // (1024 * 1024)))
    if not data.startswith(PDF_MAGIC) or b"%%EOF" not in data[-2048:]:
        raise UploadRefused(
            _("Die Datei ist kein PDF-Dokument. Bitte laden Sie eine PDF-Datei hoch.")
        )


def safe_display_name(name: str | None) -> str:
    """Return the file name as shown to people: no path, no control characters, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "dokument.pdf"
    return cleaned[:200]


def store_pdf(
    application, data: bytes, original_name: str, user, kind: str = "council_resolution"
) -> Attachment:
    """Check and store a PDF for `application`; return the (flushed) Attachment row."""
    check_pdf(data)
    stored_name, sha256 = write_new(data)
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=safe_display_name(original_name),
        stored_name=stored_name,
        content_type="application/pdf",
        size=len(data),
        sha256=sha256,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    logger.info("Attachment %s stored for application %s", attachment.id, application.id)
    return attachment


def path_of(attachment: Attachment) -> Path:
    """Return where the attachment's bytes are stored."""
    return upload_folder() / attachment.stored_name


def minimal_pdf(text: str = "Ratsbeschluss") -> bytes:
    """Return a small valid one-page PDF (for demo data and tests)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
