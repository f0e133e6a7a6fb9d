"""Every check of `flask audit verify`, as lines to print and a verdict."""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..engine import history
from ..extensions import db
from ..funding import ledger
from ..programme.models import Round
from . import admin_data, compliance, documents, record, rules, subjects


@dataclass
class Verdict:
    """What `audit verify` found: lines for the operator, and whether anything is wrong."""

    ok: bool = True
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, prefix: str, findings: list[str], ok: str) -> None:
        """Add each finding as a problem, or the line `ok` if there is none."""
        self.problems += [prefix + finding for finding in findings]
        if not findings:
            self.lines.append(ok)


def run() -> Verdict:
    """Verify the history chain, the rules it ran under and kept, the subjects, the
    documents, the administration record, the administrative data against it, and every
    round's budget ledger."""
    verdict = Verdict()
    checked, broken = history.verify()
    if broken is None:
        verdict.lines.append(f"ok: {checked} history entries verified.")
    else:
        where = f"entry #{broken.seq}" + (f" (id {broken.entry_id})" if broken.entry_id else "")
        verdict.problems.append(
            f"BROKEN at {where}: {broken.reason}. {checked} entries before it verified."
        )
    _rules(verdict, *rules.check())
    _compliance(verdict, compliance.check())
    _subjects(verdict, subjects.check())
    _documents(verdict, documents.check())
    _revisions(verdict)
    checked, broken = record.verify()
    if broken is None:
        verdict.lines.append(f"ok: {checked} administration records verified.")
    else:
        verdict.problems.append(
            f"BROKEN administration record at #{broken.seq}: {broken.reason}. "
            f"{checked} records before it verified."
        )
    _admin_data(verdict, admin_data.check())
    _budgets(verdict)
    verdict.ok = not verdict.problems
    return verdict


def _rules(verdict: Verdict, checked: int, mismatches: list) -> None:
    ok = f"ok: {checked} history entries ran under the published version of their workflow."
    verdict.add("RULES CHANGED: ", [m.describe() for m in mismatches], ok)


def _compliance(verdict: Verdict, report: compliance.ComplianceReport) -> None:
    ok = (
        f"ok: four eyes on {report.four_eyes} decisions, signing authority on "
        f"{report.letters} letters, the role of {report.roles} entries' actors."
    )
    verdict.add("RULE NOT KEPT: ", [b.describe() for b in report.breaches], ok)
    if report.not_covered:
        verdict.lines.append(
            f"   {report.not_covered} entries whose account the administration record does not "
            "know at their time (not checked)."
        )


def _subjects(verdict: Verdict, report: subjects.SubjectReport) -> None:
    ok = f"ok: {report.compared} cases match the snapshot of their latest entry."
    verdict.add("DATA CHANGED outside the engine: ", [m.describe() for m in report.mismatches], ok)
    skipped = [
        (report.editable, "in a state where the subject is edited (not compared)"),
        (report.unrecorded, "whose latest entry predates snapshots (not compared)"),
        (report.purged, "whose subject was deleted by the retention rules"),
    ]
    for count, what in skipped:
        if count:
            verdict.lines.append(f"   {count} cases {what}.")
    for workflow, count in sorted(report.not_covered.items()):
        verdict.lines.append(
            f"   not covered: {count} cases of workflow {workflow} (its subject declares no "
            "decisive_data)."
        )


def _admin_data(verdict: Verdict, report: admin_data.AdminDataReport) -> None:
    ok = f"ok: {report.compared} administrative objects match the administration record."
    verdict.add(
        "ADMIN DATA CHANGED outside the record: ", [m.describe() for m in report.mismatches], ok
    )


def _budgets(verdict: Verdict) -> None:
    """Reconcile every round's running totals with its ledger, notices, orders and reclaims."""
    rounds = db.session.scalars(select(Round).order_by(Round.id)).all()
    problems = [
        f"round {found.id} ({found.name}) does not reconcile: {problem}"
        for found in rounds
        for problem in ledger.reconcile(found)
    ]
    ok = f"ok: every round's budget ledger reconciles to the cent ({len(rounds)} rounds)."
    verdict.add("BUDGET of ", problems, ok)


def _documents(verdict: Verdict, report: documents.DocumentReport) -> None:
    ok = f"ok: {report.checked} stored documents match their SHA-256."
    verdict.add("DOCUMENT ", [p.describe() for p in report.problems], ok)


def _revisions(verdict: Verdict) -> None:
    from ..applications import revision_check

    checked, problems = revision_check.verify()
    verdict.add("REVISION ", problems, f"ok: {checked} application revisions match their SHA-256.")
