"""Files of the funding area, stored outside the web root under generated names."""

from pathlib import Path

from ..applications.storage import check_pdf, safe_display_name
from ..extensions import db
from ..files import upload_folder, write_new
from .models import FundingNotice, ProofAttachment


def notice_pdf_path(notice: FundingNotice) -> Path | None:
    """Return where the issued notice's PDF lies, or None before it is issued."""
    if notice.pdf_stored_name is None:
        return None
    return upload_folder() / notice.pdf_stored_name


def store_proof_pdf(proof, data: bytes, original_name: str, user) -> ProofAttachment:
    """Check (PDF by content, size) and store a document of a proof of use."""
    check_pdf(data)
    stored_name, sha256 = write_new(data)
    attachment = ProofAttachment(
        proof_id=proof.id,
        original_name=safe_display_name(original_name),
        stored_name=stored_name,
        content_type="application/pdf",
        size=len(data),
        sha256=sha256,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def proof_attachment_path(attachment: ProofAttachment) -> Path:
    """Return where a proof attachment's bytes are stored."""
    return upload_folder() / attachment.stored_name
