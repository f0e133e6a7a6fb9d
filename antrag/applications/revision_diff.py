"""What changed between two revisions of an application, field by field.

Compares the frozen contents (`revisions.frozen_content`): the application's own fields
(old → new), the financing plan row by row, projects matched by their id (added, removed,
changed with the fields that changed) and attachments by their id (added, removed). Labels
are German msgids (`N_`); pages translate them with `label`, the receipt prints them as they
are. Values stay as stored (amounts "1234.50", dates ISO); `shown` formats them for reading.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..formats import format_amount, format_date, format_money
from ..i18n import N_, label
from .models import FIELDS_OF_ACTION

FIELDS = {
    "contact_name": N_("Ansprechperson"),
    "contact_function": N_("Funktion der Ansprechperson"),
    "contact_email": N_("E-Mail der Ansprechperson"),
    "contact_phone": N_("Telefon der Ansprechperson"),
    "head_of_administration": N_("Leitung der Verwaltung"),
    "requested_amount": N_("Beantragter Betrag"),
    "own_contribution": N_("Eigenanteil"),
    "third_party_funds": N_("Drittmittel"),
    "early_start_requested": N_("Vorzeitiger Maßnahmebeginn beantragt"),
    "early_start_reason": N_("Begründung des vorzeitigen Maßnahmebeginns"),
    "declaration_no_early_start": N_("Erklärung: kein vorzeitiger Maßnahmebeginn"),
    "declaration_accuracy": N_("Erklärung: Richtigkeit der Angaben"),
    "declaration_privacy": N_("Erklärung: Datenschutz"),
}
PLAN_ROWS = {
    "total_cost": N_("Gesamtkosten"),
    "own_contribution": N_("Eigenanteil"),
    "third_party_funds": N_("Drittmittel"),
    "grant": N_("Zuwendung"),
}
PROJECT_FIELDS = {
    "title": N_("Titel"),
    "description": N_("Beschreibung"),
    "field_of_action": N_("Handlungsfeld"),
    "period_start": N_("Beginn"),
    "period_end": N_("Ende"),
    "estimated_cost": N_("Zuwendungsfähige Kosten"),
}
ATTACHMENT_KINDS = {"council_resolution": N_("Ratsbeschluss")}
AMOUNTS = {"requested_amount", "own_contribution", "third_party_funds", "estimated_cost"}
AMOUNTS |= set(PLAN_ROWS)
DATES = {"period_start", "period_end"}


@dataclass(frozen=True)
class Change:
    """One field whose value differs: its key, German label, old and new stored value."""

    key: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class ProjectChange:
    """A project added, removed or changed (with the changed fields)."""

    kind: str  # added | removed | changed
    title: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class RevisionDiff:
    """The differences of a newer revision from an older one."""

    old_number: int
    new_number: int
    fields: list[Change]
    plan: list[Change]
    projects: list[ProjectChange]
    attachments_added: list[dict]
    attachments_removed: list[dict]

    @property
    def empty(self) -> bool:
        """Return whether nothing changed at all."""
        return not (
            self.fields
            or self.plan
            or self.projects
            or self.attachments_added
            or self.attachments_removed
        )


def _changes(old: dict, new: dict, labels: dict) -> list[Change]:
    return [
        Change(key, text, old.get(key), new.get(key))
        for key, text in labels.items()
        if old.get(key) != new.get(key)
    ]


def diff(old_revision, new_revision) -> RevisionDiff:
    """Return what `new_revision` changed against `old_revision` (both ApplicationRevision)."""
    old = old_revision.content()["application"]
    new = new_revision.content()["application"]
    return RevisionDiff(
        old_number=old_revision.number,
        new_number=new_revision.number,
        fields=_changes(old, new, FIELDS),
        plan=_changes(old.get("financing_plan", {}), new.get("financing_plan", {}), PLAN_ROWS),
        projects=_project_changes(old.get("projects", []), new.get("projects", [])),
        attachments_added=_missing(new.get("attachments", []), old.get("attachments", [])),
        attachments_removed=_missing(old.get("attachments", []), new.get("attachments", [])),
    )


def _project_changes(old: list[dict], new: list[dict]) -> list[ProjectChange]:
    before = {p["id"]: p for p in old}
    after = {p["id"]: p for p in new}
    found = []
    for project in new:
        previous = before.get(project["id"])
        if previous is None:
            found.append(ProjectChange("added", project.get("title") or ""))
            continue
        changes = _changes(previous, project, PROJECT_FIELDS)
        if changes:
            found.append(ProjectChange("changed", project.get("title") or "", changes))
    for project in old:
        if project["id"] not in after:
            found.append(ProjectChange("removed", project.get("title") or ""))
    return found


def _missing(items: list[dict], other: list[dict]) -> list[dict]:
    """Return the items of `items` whose id (and hash) `other` lacks."""
    known = {(a["id"], a["sha256"]) for a in other}
    return [a for a in items if (a["id"], a["sha256"]) not in known]


def shown(key: str, value, *, german: bool = False) -> str:
    """Return a stored value for reading: amounts and dates formatted, flags as Ja/Nein."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        yes, no = N_("Ja"), N_("Nein")
        return (yes if value else no) if german else label(yes if value else no)
    if key in AMOUNTS:
        amount = Decimal(value)
        return f"{format_amount(amount)} EUR" if german else format_money(amount)
    if key in DATES:
        day = date.fromisoformat(value)
        return day.strftime("%d.%m.%Y") if german else format_date(day)
    if key == "field_of_action":
        text = FIELDS_OF_ACTION.get(value, value)
        return text if german else label(text)
    return str(value)
