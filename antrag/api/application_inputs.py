"""The application's fields as JSON: checked with the form's limits, merged for PATCH.

The result is the same `data` dict the web form hands to `operations.save_application`,
so both paths store an application the same way.
"""

import re

from email_validator import EmailNotValidError, validate_email

from ..applications.forms import (
    APPLICATION_FIELDS,
    DESCRIPTION_MAX,
    EMAIL_MESSAGE,
    MAX_AMOUNT,
    MAX_PROJECTS,
    PHONE_MESSAGE,
    PHONE_PATTERN,
    PROJECT_FIELDS,
)
from ..applications.models import FIELDS_OF_ACTION
from .inputs import get_amount, get_bool, get_date, get_int, get_text, invalid

TEXT_LIMITS = {
    "contact_name": 200,
    "contact_function": 200,
    "contact_email": 254,
    "contact_phone": 50,
    "head_of_administration": 200,
}
AMOUNTS = ("requested_amount", "own_contribution", "third_party_funds")
DECLARATIONS = (
    "declaration_no_early_start",
    "declaration_accuracy",
    "declaration_privacy",
    "early_start_requested",
)
EARLY_START_REASON_MAX = DESCRIPTION_MAX
PROJECT_KEYS = ("id", "remove", *PROJECT_FIELDS)


def application_data(application, body: dict) -> dict:
    """Return the stored values of `application` overridden by the checked `body` (422 if bad)."""
    errors: dict[str, str] = {}
    data = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    for name, limit in TEXT_LIMITS.items():
        if name in body:
            data[name] = get_text(body, name, errors, limit=limit)
    if data["contact_email"] and "contact_email" not in errors and "contact_email" in body:
        try:
            validate_email(data["contact_email"], check_deliverability=False)
        except (EmailNotValidError, UnicodeError, ValueError):
            errors["contact_email"] = EMAIL_MESSAGE
    if data["contact_phone"] and not re.match(PHONE_PATTERN, data["contact_phone"]):
        errors["contact_phone"] = PHONE_MESSAGE
    for name in AMOUNTS:
        if name in body:
            data[name] = get_amount(body, name, errors, maximum=MAX_AMOUNT)
    for name in DECLARATIONS:
        if name in body:
            data[name] = get_bool(body, name, errors)
    if "early_start_reason" in body:
        data["early_start_reason"] = get_text(
            body, "early_start_reason", errors, limit=EARLY_START_REASON_MAX, multiline=True
        )
    data["projects"] = _projects(application, body, errors)
    data["add_project"] = False
    data["council_resolution"] = None
    if errors:
        raise invalid(errors)
    return data


def _projects(application, body: dict, errors: dict) -> list[dict]:
    """Return the project rows of the body; rows not mentioned stay as they are."""
    if "projects" not in body:
        return []
    rows = body["projects"]
    if not isinstance(rows, list):
        errors["projects"] = "Bitte geben Sie die Projekte als Liste an."
        return []
    existing = {p.id: p for p in application.projects}
    result = []
    for number, row in enumerate(rows):
        where = f"projects[{number}]"
        if not isinstance(row, dict):
            errors[where] = "Bitte geben Sie jedes Projekt als JSON-Objekt an."
            continue
        for key in row:
            if key not in PROJECT_KEYS:
                errors[f"{where}.{key}"] = "Dieses Feld gibt es nicht."
        row_errors: dict[str, str] = {}
        project_id = None
        if row.get("id") is not None:
            project_id = get_int(row, "id", row_errors)
            if project_id is not None and project_id not in existing:
                row_errors["id"] = "Dieses Projekt gehört nicht zu diesem Antrag."
        stored = existing.get(project_id)
        values = {name: getattr(stored, name) if stored else None for name in PROJECT_FIELDS}
        if "title" in row:
            values["title"] = get_text(row, "title", row_errors, limit=200)
        if "description" in row:
            values["description"] = get_text(
                row, "description", row_errors, limit=DESCRIPTION_MAX, multiline=True
            )
        if "field_of_action" in row:
            value = row["field_of_action"]
            if value is not None and (not isinstance(value, str) or value not in FIELDS_OF_ACTION):
                row_errors["field_of_action"] = (
                    "Bitte wählen Sie ein Handlungsfeld aus der Liste: "
                    + (", ".join(FIELDS_OF_ACTION))
                )
            else:
                values["field_of_action"] = value
        for name in ("period_start", "period_end"):
            if name in row:
                values[name] = get_date(row, name, row_errors)
        if "estimated_cost" in row:
            values["estimated_cost"] = get_amount(
                row, "estimated_cost", row_errors, maximum=MAX_AMOUNT
            )
        start, end = values["period_start"], values["period_end"]
        if start is not None and end is not None and end < start and "period_end" not in row_errors:
            row_errors["period_end"] = "Das Ende darf nicht vor dem Beginn liegen."
        remove = row.get("remove", False)
        if not isinstance(remove, bool):
            row_errors["remove"] = "Bitte geben Sie true oder false an."
        errors.update({f"{where}.{key}": message for key, message in row_errors.items()})
        blank = stored is None and all(values[name] in (None, "") for name in PROJECT_FIELDS)
        result.append({"id": project_id, "remove": remove is True or blank, **values})
    kept = {r["id"] for r in result if r["id"] is not None and not r["remove"]}
    new = [r for r in result if r["id"] is None and not r["remove"]]
    untouched = [pid for pid in existing if pid not in {r["id"] for r in result}]
    if len(kept) + len(new) + len(untouched) > MAX_PROJECTS:
        errors["projects"] = f"Ein Antrag kann höchstens {MAX_PROJECTS} Projekte enthalten."
    return result
