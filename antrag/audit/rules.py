"""The rules the history says it ran under, against the published versions' records.

Every history entry carries the fingerprint of the definition it ran under, covered by its
hash. Start-up and `flask workflows check` refuse a definition whose content changed under
a published version, by comparing it with the fingerprint recorded in `workflow_fingerprint`
when the version was first used. Someone who changes a definition *and* rewrites that
record gets past them; the entries written before still name the old fingerprint, and their
hashes keep it from being rewritten too. `check` finds every such group of entries.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..engine.models import HistoryEntry, WorkflowFingerprint
from ..extensions import db


@dataclass(frozen=True)
class RulesMismatch:
    """Entries of one workflow version that ran under a fingerprint its record no longer has."""

    workflow: str
    version: int
    ran_under: str
    published: str | None
    entries: int
    first_seq: int
    last_seq: int

    def describe(self) -> str:
        where = f"{self.entries} history entries of {self.workflow} v{self.version}"
        span = f"#{self.first_seq}–#{self.last_seq}"
        if self.published is None:
            return (
                f"{where} ({span}) ran under definition {self.ran_under[:12]}…, but the version "
                "has no published record (workflow_fingerprint)"
            )
        return (
            f"{where} ({span}) ran under definition {self.ran_under[:12]}…, but its published "
            f"record now says {self.published[:12]}…: the definition and its record were "
            "changed after it was used"
        )


def check() -> tuple[int, list[RulesMismatch]]:
    """Return the number of entries checked and every group whose fingerprint differs."""
    published = {
        (row.workflow, row.version): row.fingerprint
        for row in db.session.execute(
            select(
                WorkflowFingerprint.workflow,
                WorkflowFingerprint.version,
                WorkflowFingerprint.fingerprint,
            )
        )
    }
    groups = db.session.execute(
        select(
            HistoryEntry.workflow,
            HistoryEntry.workflow_version,
            HistoryEntry.definition_fingerprint,
            func.count(),
            func.min(HistoryEntry.seq),
            func.max(HistoryEntry.seq),
        )
        .where(HistoryEntry.definition_fingerprint.is_not(None))
        .group_by(
            HistoryEntry.workflow,
            HistoryEntry.workflow_version,
            HistoryEntry.definition_fingerprint,
        )
        .order_by(HistoryEntry.workflow, HistoryEntry.workflow_version, func.min(HistoryEntry.seq))
    ).all()
    checked, mismatches = 0, []
    for workflow, version, ran_under, count, first_seq, last_seq in groups:
        checked += count
        recorded = published.get((workflow, version))
        if recorded != ran_under:
            mismatches.append(
                RulesMismatch(workflow, version, ran_under, recorded, count, first_seq, last_seq)
            )
    return checked, mismatches
