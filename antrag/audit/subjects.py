"""Compare each case's subject with the snapshot of the case's latest history entry."""

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..engine.models import Case, HistoryEntry
from ..engine.registry import SUBJECTS
from ..engine.workflows import workflows
from ..extensions import db
from .snapshot import covers, snapshot_of

MISSING = object()


@dataclass(frozen=True)
class Mismatch:
    """A case whose subject no longer matches what its latest history entry recorded."""

    case_id: int
    workflow: str
    file_reference: str | None
    differences: list[tuple[str, object, object]]  # (field path, recorded, now)

    def describe(self) -> str:
        """Return one line naming the case and each differing field (recorded → now)."""
        reference = f" {self.file_reference}" if self.file_reference else ""
        fields = "; ".join(
            f"{path}: {_show(old)} → {_show(new)}" for path, old, new in self.differences
        )
        return f"case {self.case_id} ({self.workflow}{reference}): {fields}"


@dataclass
class SubjectReport:
    """The outcome of comparing every case's subject with its latest snapshot."""

    compared: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    editable: int = 0  # in a state where the subject is edited outside transitions
    unrecorded: int = 0  # latest entry written before snapshots existed (migration 0021)
    purged: int = 0  # subject deleted by the retention rules
    not_covered: Counter = field(default_factory=Counter)  # workflow → cases


def differences(recorded, now, path: str = "") -> list[tuple[str, object, object]]:
    """Return the leaf fields in which two decisive-data structures differ."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        found = []
        for key in sorted(set(recorded) | set(now)):
            found += differences(
                recorded.get(key, MISSING), now.get(key, MISSING), f"{path}.{key}" if path else key
            )
        return found
    if isinstance(recorded, list) and isinstance(now, list) and len(recorded) == len(now):
        found = []
        for index, (old, new) in enumerate(zip(recorded, now, strict=True)):
            found += differences(old, new, f"{path}[{index}]")
        return found
    return [] if recorded == now else [(path or "(all)", recorded, now)]


def check(batch_size: int = 500) -> SubjectReport:
    """Compare the subject of every case with the snapshot of its latest entry."""
    report = SubjectReport()
    latest = (
        select(HistoryEntry.case_id, func.max(HistoryEntry.seq).label("seq"))
        .group_by(HistoryEntry.case_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Case.id, Case.workflow, Case.workflow_version, Case.state, HistoryEntry.to_state)
        .add_columns(HistoryEntry.subject_snapshot)
        .join(latest, latest.c.case_id == Case.id)
        .join(
            HistoryEntry,
            (HistoryEntry.case_id == latest.c.case_id) & (HistoryEntry.seq == latest.c.seq),
        )
        .order_by(Case.id)
    ).all()
    by_model: dict[type, list] = {}
    for row in rows:
        model = SUBJECTS.get(workflows().get(row.workflow, row.workflow_version).subject)
        if model is None or not covers(model):
            report.not_covered[row.workflow] += 1
        elif row.subject_snapshot is None:
            report.unrecorded += 1
        elif row.state in getattr(model, "EDITED_IN_STATES", ()) and row.state == row.to_state:
            report.editable += 1
        else:
            by_model.setdefault(model, []).append(row)
    for model, cases in by_model.items():
        for start in range(0, len(cases), batch_size):
            _compare(model, cases[start : start + batch_size], report)
    return report


def _compare(model, cases: list, report: SubjectReport) -> None:
    subjects = {
        s.case_id: s
        for s in db.session.scalars(
            select(model).where(model.case_id.in_([row.id for row in cases]))
        ).unique()
    }
    for row in cases:
        subject = subjects.get(row.id)
        recorded = json.loads(row.subject_snapshot)
        if subject is None:
            if getattr(model, "PURGED_BY_RETENTION", False):
                report.purged += 1
                continue
            found, reference = [("(subject)", "present", "missing")], None
        else:
            now, _hash = snapshot_of(subject)
            found = differences(recorded, json.loads(now))
            reference = getattr(subject, "file_reference", None)
        if row.state != row.to_state:
            found.insert(0, ("state", row.to_state, row.state))
        report.compared += 1
        if found:
            report.mismatches.append(Mismatch(row.id, row.workflow, reference, found))
    for subject in subjects.values():
        db.session.expunge(subject)


def _show(value) -> str:
    if value is MISSING:
        return "(fehlt)"
    return json.dumps(value, ensure_ascii=False)
