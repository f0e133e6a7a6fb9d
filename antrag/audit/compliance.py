"""Whether the history shows the protecting rules kept: four eyes, signing authority, roles.

The guards enforce these rules when a transition fires. This check proves them afterwards
from the record alone, so that an auditor need not trust the code that ran (nor the
accounts' data as it is today):

- **Four eyes**: every entry of a transition with a four-eyes guard (`policy.
  FOUR_EYES_GUARDS`: approvals, rejections, releases, …) names another actor than the
  newest earlier entry of its case into the state it left (the proposal).
- **Signing authority**: the actor of every entry of a transition with the guard
  `signing_authority` (every letter) had `can_sign` at that moment, as the administration
  record gives it (replayed up to the entry's time).
- **Roles**: every entry's `actor_role` is one its transition allows, and the same as the
  role the administration record gives the account at that moment. A role or signing
  authority granted with SQL for one decision and taken back afterwards leaves the rows as
  they were, but not the record.

Entries whose account the administration record does not know at their time (accounts older
than the record before `flask audit baseline`), and entries of a version whose file was
removed after its last case ended, are counted as not covered. Entries of the
system (timers) and those without a transition (a case's start, a version migration) have
no actor rule to check.
"""

import bisect
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ..engine.models import HistoryEntry
from ..engine.policy import FOUR_EYES_GUARDS, SIGNING_GUARD
from ..engine.workflows import workflows
from .models import AdminRecord
from .record import text
from .scan import in_order


@dataclass(frozen=True)
class Breach:
    """One entry that does not show a rule kept."""

    seq: int
    case_id: int
    workflow: str
    trigger: str
    actor_id: int | None
    rule: str
    detail: str

    def describe(self) -> str:
        return (
            f"entry #{self.seq} (case {self.case_id}, {self.workflow} {self.trigger}, user "
            f"{self.actor_id}): {self.rule}: {self.detail}"
        )


@dataclass
class ComplianceReport:
    """What the check found, with how many entries each rule covered."""

    four_eyes: int = 0
    letters: int = 0
    roles: int = 0
    not_covered: int = 0
    breaches: list[Breach] = field(default_factory=list)


class AccountTimeline:
    """The role and signing authority of each account over time, from the administration record."""

    FIELDS = ("role", "can_sign")

    def __init__(self):
        # user id -> field -> ([times], [values]); only from the account's creation (or
        # baseline) on: before it the record does not know the account.
        self._changes: dict[int, dict[str, tuple[list, list]]] = defaultdict(
            lambda: {name: ([], []) for name in self.FIELDS}
        )

    @classmethod
    def replayed(cls) -> "AccountTimeline":
        from .admin_data import BASELINE

        timeline = cls()
        query = select(
            AdminRecord.seq,
            AdminRecord.created_at,
            AdminRecord.object_id,
            AdminRecord.field,
            AdminRecord.new_value,
        ).where(AdminRecord.object_type == "user")
        for row in in_order(query, AdminRecord.seq):
            if row.object_id is None or row.new_value is None:
                continue  # a deletion: the account acts no more
            if row.field is None or row.field == BASELINE:
                values = json.loads(row.new_value)
                for name in cls.FIELDS:
                    if name in values:
                        timeline._note(row.object_id, name, row.created_at, values[name])
            elif row.field in cls.FIELDS and row.object_id in timeline._changes:
                timeline._note(row.object_id, row.field, row.created_at, row.new_value)
        # Ordered by time for `value_at` (a clock set back would leave seq order unsorted);
        # records of the same moment keep their seq order.
        for fields in timeline._changes.values():
            for name, (times, values) in fields.items():
                pairs = sorted(zip(times, values, strict=True), key=lambda pair: pair[0])
                fields[name] = ([t for t, _ in pairs], [v for _, v in pairs])
        return timeline

    def _note(self, user_id: int, name: str, when, value) -> None:
        times, values = self._changes[user_id][name]
        times.append(when)
        values.append(value)

    def value_at(self, user_id: int, name: str, when) -> tuple[bool, str | None]:
        """Return (known, value) of the account's field at `when`."""
        found = self._changes.get(user_id)
        if found is None:
            return False, None
        times, values = found[name]
        index = bisect.bisect_right(times, when)
        if index == 0:
            return False, None
        return True, values[index - 1]


def check() -> ComplianceReport:
    """Walk the history in order and check each entry's actor rules (see the docstring)."""
    report = ComplianceReport()
    accounts = AccountTimeline.replayed()
    movers: dict[tuple[int, str], tuple[int | None, int]] = {}  # (case, state) -> actor, seq
    query = select(
        HistoryEntry.seq,
        HistoryEntry.case_id,
        HistoryEntry.workflow,
        HistoryEntry.workflow_version,
        HistoryEntry.trigger,
        HistoryEntry.from_state,
        HistoryEntry.to_state,
        HistoryEntry.actor_id,
        HistoryEntry.actor_role,
        HistoryEntry.created_at,
    )
    for row in in_order(query, HistoryEntry.seq, batch_size=2000):
        _check_entry(row, accounts, movers, report)
        movers[(row.case_id, row.to_state)] = (row.actor_id, row.seq)
    return report


def _check_entry(row, accounts: AccountTimeline, movers: dict, report: ComplianceReport) -> None:
    try:
        definition = workflows().get(row.workflow, row.workflow_version)
    except KeyError:  # a version no running case uses any more, its file removed
        report.not_covered += 1
        return
    transition = definition.transition(row.trigger)
    if transition is None or row.actor_id is None:
        return  # a start, a migration, or the system: no actor rule

    def breach(rule: str, detail: str) -> None:
        report.breaches.append(
            Breach(row.seq, row.case_id, row.workflow, row.trigger, row.actor_id, rule, detail)
        )

    if row.actor_role not in transition.roles:
        breach(
            "role", f"the entry names role {row.actor_role!r}, which the transition does not allow"
        )
    known, role = accounts.value_at(row.actor_id, "role", row.created_at)
    if not known:
        report.not_covered += 1
    else:
        report.roles += 1
        if role != row.actor_role:
            breach(
                "role",
                f"the entry names role {row.actor_role!r}, but the administration record gives "
                f"the account role {role!r} at {text(row.created_at)}",
            )
    if FOUR_EYES_GUARDS & set(transition.guards):
        report.four_eyes += 1
        proposer, proposal_seq = movers.get((row.case_id, row.from_state), (None, None))
        if proposer == row.actor_id:
            breach("four eyes", f"the same person made the proposal (entry #{proposal_seq})")
    if SIGNING_GUARD in transition.guards:
        report.letters += 1
        known, can_sign = accounts.value_at(row.actor_id, "can_sign", row.created_at)
        if known and can_sign != "true":
            breach(
                "signing authority",
                "the administration record gives the account no signing authority at "
                f"{text(row.created_at)}",
            )
