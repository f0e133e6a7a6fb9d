"""Check every stored document against the SHA-256 recorded with it."""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..files import StoredFile, upload_folder


@dataclass(frozen=True)
class DocumentProblem:
    """A stored document that is missing or whose content no longer matches its hash."""

    kind: str  # which row refers to it, e.g. "funding_notice 3 (DS-2019-0001)"
    name: str
    problem: str  # "missing" or "changed"

    def describe(self) -> str:
        what = "missing file" if self.problem == "missing" else "changed file"
        return f"{self.kind}: {what} {self.name}"


@dataclass
class DocumentReport:
    checked: int = 0
    problems: list[DocumentProblem] = field(default_factory=list)


def _sources():
    """Yield (label, stored name, sha256) of every document a row refers to, then the rest."""
    from ..applications.models import Attachment
    from ..funding.models import FundingNotice, ProofAttachment
    from ..notices.models import RejectionNotice

    for row in db.session.execute(
        select(Attachment.id, Attachment.application_id, Attachment.stored_name, Attachment.sha256)
    ):
        yield f"attachment {row.id} (application {row.application_id})", row.stored_name, row.sha256
    for model, kind in ((FundingNotice, "funding_notice"), (RejectionNotice, "rejection_notice")):
        for row in db.session.execute(
            select(model.id, model.file_reference, model.pdf_stored_name, model.pdf_sha256).where(
                model.pdf_stored_name.is_not(None)
            )
        ):
            yield f"{kind} {row.id} ({row.file_reference})", row.pdf_stored_name, row.pdf_sha256
    for row in db.session.execute(
        select(
            ProofAttachment.id,
            ProofAttachment.proof_id,
            ProofAttachment.stored_name,
            ProofAttachment.sha256,
        )
    ):
        yield f"proof_attachment {row.id} (proof {row.proof_id})", row.stored_name, row.sha256
    for row in db.session.execute(select(StoredFile.name, StoredFile.sha256)):
        yield "stored_file", row.name, row.sha256


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check() -> DocumentReport:
    """Hash every stored document once and compare it with each hash recorded for it."""
    report, folder, actual = DocumentReport(), upload_folder(), {}
    for label, name, expected in _sources():
        if label == "stored_file" and name in actual:
            continue  # already checked as the document of the row that refers to it
        if name not in actual:
            path = folder / name
            actual[name] = file_sha256(path) if path.is_file() else None
            report.checked += 1
        if actual[name] is None:
            report.problems.append(DocumentProblem(label, name, "missing"))
        elif actual[name] != expected:
            report.problems.append(DocumentProblem(label, name, "changed"))
    return report
