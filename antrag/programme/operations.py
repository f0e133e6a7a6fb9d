"""Operations on municipalities, programmes and rounds, shared by the admin UI and the CLI.

Each operation checks everything a database constraint would refuse (so that bad input
gets a field-level German message instead of an IntegrityError), changes the rows,
flushes, logs, and never commits.
"""

import logging
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import record
from ..extensions import db
from ..formats import format_money
from ..i18n import N_
from ..payments.bank import check_account
from . import letter_fields
from .models import ELIGIBILITY, MUNICIPALITY_KINDS, Municipality, Programme, Round, ags_problem

logger = logging.getLogger(__name__)

NAME_MAX = 200
ADDRESS_MAX = 400
DESCRIPTION_MAX = 2000
POPULATION_MAX = 10_000_000  # more than the whole state: a typo
AMOUNT_LIMIT = Decimal("10000000000")  # Numeric(12, 2) holds less than ten billion
# What `_amount` says about each amount field: missing, not positive, negative, too precise, too big.
AMOUNT_MESSAGES = {
    "budget": (
        N_("Bitte geben Sie das Budget an."),
        N_("Das Budget muss größer als 0,00 € sein."),
        N_("Das Budget darf nicht negativ sein."),
        N_("Das Budget hat höchstens zwei Nachkommastellen."),
        N_("Das Budget darf höchstens 9.999.999.999,99 € betragen."),
    ),
    "standard_amount": (
        N_("Bitte geben Sie den Regelbetrag an."),
        N_("Der Regelbetrag muss größer als 0,00 € sein."),
        N_("Der Regelbetrag darf nicht negativ sein."),
        N_("Der Regelbetrag hat höchstens zwei Nachkommastellen."),
        N_("Der Regelbetrag darf höchstens 9.999.999.999,99 € betragen."),
    ),
}


class ProgrammeError(ValueError):
    """Input the operation refuses; `errors` maps field names to German messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _who(actor) -> str:
    return f"{actor.role}:{actor.id}" if actor is not None else "cli"


def _text(errors: dict, field: str, value: str | None, missing: str, limit: int) -> str | None:
    """Return the stripped text; record a message if it is missing or too long."""
    value = (value or "").strip()
    if not value:
        errors[field] = missing
    elif len(value) > limit:
        errors[field] = _("Höchstens %(count)s Zeichen.", count=limit)
    return value


def _amount(errors: dict, field: str, value, positive: bool) -> None:
    """Record a message if the amount is missing, negative (or zero), too precise or too large."""
    missing, not_positive, negative, too_precise, too_big = AMOUNT_MESSAGES[field]
    if value is None:
        errors[field] = _(missing)
    elif positive and value <= 0:
        errors[field] = _(not_positive)
    elif value < 0:
        errors[field] = _(negative)
    elif value.as_tuple().exponent < -2:
        errors[field] = _(too_precise)
    elif value >= AMOUNT_LIMIT:
        errors[field] = _(too_big)


# Municipalities


def find_municipality(ags: str) -> Municipality | None:
    """Return the municipality with the official key `ags`, or None."""
    return db.session.scalar(select(Municipality).where(Municipality.ags == (ags or "").strip()))


def municipalities_by_ags(keys: list[str]) -> list[Municipality]:
    """Return the municipalities of `keys` in order; raise ProgrammeError naming unknown keys."""
    found = {
        m.ags: m for m in db.session.scalars(select(Municipality).where(Municipality.ags.in_(keys)))
    }
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise ProgrammeError(
            {"invited": _("Keine Kommune mit dem AGS %(ags)s.", ags=", ".join(unknown))}
        )
    return [found[k] for k in dict.fromkeys(keys)]


def _check_municipality(values: dict, current: Municipality | None) -> dict:
    errors: dict[str, str] = {}
    values["ags"] = (values.get("ags") or "").strip()
    problem = ags_problem(values["ags"])
    if problem:
        errors["ags"] = problem
    else:
        other = find_municipality(values["ags"])
        if other is not None and other is not current:
            errors["ags"] = _(
                "Den AGS %(ags)s hat bereits %(name)s.", ags=values["ags"], name=other.name
            )
    values["name"] = _text(
        errors, "name", values.get("name"), _("Bitte geben Sie den Namen an."), NAME_MAX
    )
    if values.get("kind") not in MUNICIPALITY_KINDS:
        errors["kind"] = _("Bitte wählen Sie eine Art der Kommune.")
    population = values.get("population")
    if population is None:
        errors["population"] = _("Bitte geben Sie die Einwohnerzahl an.")
    elif not 0 <= population <= POPULATION_MAX:
        errors["population"] = _("Die Einwohnerzahl liegt zwischen 0 und 10.000.000.")
    values["is_city"] = bool(values.get("is_city", True))
    _legacy_address(values, errors)
    letter_fields.check_addressee(values, errors)
    if any(key in values for key in ("iban", "bic", "account_holder")):
        check_account(values, errors)
    if not values["head_title"] and "kind" not in errors:
        values["head_title"] = letter_fields.default_head_title(values["kind"], values["is_city"])
    return errors


def _legacy_address(values: dict, errors: dict) -> None:
    """Split a one-line `address` ("Maximilianstraße 100, 67346 Speyer") into its parts."""
    text = (values.pop("address", None) or "").strip()
    if not text or any(values.get(f) for f in ("street", "postal_code", "town")):
        return
    parsed = letter_fields.parse_address(text) if len(text) <= ADDRESS_MAX else None
    if parsed is None:
        errors["address"] = _(
            "Die Anschrift lässt sich nicht lesen. Bitte schreiben Sie sie als "
            "„Maximilianstraße 100, 67346 Speyer“."
        )
        return
    values.update(street=parsed.street, postal_code=parsed.postal_code, town=parsed.town)


def create_municipality(actor=None, **values) -> Municipality:
    """Create a municipality (ags, name, kind, is_city, population, head_title, street, …)."""
    errors = _check_municipality(values, None)
    if errors:
        raise ProgrammeError(errors)
    municipality = Municipality(**values)
    db.session.add(municipality)
    db.session.flush()
    logger.info(
        "Municipality %s (%s) created by %s", municipality.id, municipality.ags, _who(actor)
    )
    return municipality


def update_municipality(municipality: Municipality, actor=None, **values) -> Municipality:
    """Change a municipality's key, name, kind, city flag, population, head, address, account."""
    errors = _check_municipality(values, municipality)
    if errors:
        raise ProgrammeError(errors)
    for key, value in values.items():
        setattr(municipality, key, value)
    db.session.flush()
    logger.info("Municipality %s updated by %s", municipality.id, _who(actor))
    return municipality


# Programmes


def find_programme(name: str) -> Programme | None:
    """Return the programme called `name`, or None."""
    return db.session.scalar(select(Programme).where(Programme.name == (name or "").strip()))


def _check_programme(values: dict, current: Programme | None) -> dict:
    errors: dict[str, str] = {}
    values["name"] = _text(
        errors, "name", values.get("name"), _("Bitte geben Sie den Namen an."), NAME_MAX
    )
    if "name" not in errors:
        other = db.session.scalar(
            select(Programme).where(func.lower(Programme.name) == values["name"].lower())
        )
        if other is not None and other is not current:
            errors["name"] = _("Ein Programm „%(name)s“ gibt es bereits.", name=other.name)
    values["description"] = (values.get("description") or "").strip() or None
    if values["description"] and len(values["description"]) > DESCRIPTION_MAX:
        errors["description"] = _("Höchstens %(count)s Zeichen.", count=DESCRIPTION_MAX)
    if "guideline_title" in values or "guideline_date" in values:
        letter_fields.check_guideline(values, errors)
    return errors


def create_programme(actor=None, **values) -> Programme:
    """Create a funding programme (name, description)."""
    errors = _check_programme(values, None)
    if errors:
        raise ProgrammeError(errors)
    programme = Programme(**values)
    db.session.add(programme)
    db.session.flush()
    logger.info("Programme %s created by %s", programme.id, _who(actor))
    return programme


def update_programme(programme: Programme, actor=None, **values) -> Programme:
    """Change a programme's name and description."""
    errors = _check_programme(values, programme)
    if errors:
        raise ProgrammeError(errors)
    for key, value in values.items():
        setattr(programme, key, value)
    db.session.flush()
    logger.info("Programme %s updated by %s", programme.id, _who(actor))
    return programme


# Rounds


def find_round(name: str) -> Round | None:
    """Return the round called `name`, or None."""
    return db.session.scalar(select(Round).where(Round.name == (name or "").strip()))


def _check_round(values: dict, current: Round | None) -> dict:
    errors: dict[str, str] = {}
    if not isinstance(values.get("programme"), Programme):
        errors["programme"] = _("Bitte wählen Sie ein Programm.")
    values["name"] = _text(
        errors, "name", values.get("name"), _("Bitte geben Sie den Namen der Runde an."), NAME_MAX
    )
    if "name" not in errors:
        other = db.session.scalar(
            select(Round).where(func.lower(Round.name) == values["name"].lower())
        )
        if other is not None and other is not current:
            errors["name"] = _("Eine Runde „%(name)s“ gibt es bereits.", name=other.name)
    opens_on, closes_on = values.get("opens_on"), values.get("closes_on")
    if not isinstance(opens_on, date):
        errors["opens_on"] = _("Bitte geben Sie an, ab wann die Runde geöffnet ist.")
    if not isinstance(closes_on, date):
        errors["closes_on"] = _("Bitte geben Sie an, bis wann die Runde geöffnet ist.")
    elif isinstance(opens_on, date) and closes_on < opens_on:
        errors["closes_on"] = _("Das Ende der Runde darf nicht vor ihrem Beginn liegen.")
    _amount(errors, "budget", values.get("budget"), False)
    _amount(errors, "standard_amount", values.get("standard_amount"), True)
    if values.get("eligibility") not in ELIGIBILITY:
        errors["eligibility"] = _("Bitte wählen Sie, wer antragsberechtigt ist.")
    if "invited" in values:
        values["invited"] = list(values["invited"] or [])
    if "budget_chapter" in values or "budget_title" in values:
        letter_fields.check_budget_item(values, errors)
    return errors


def create_round(actor=None, **values) -> Round:
    """Create a round (programme, name, opens_on, closes_on, budget, standard_amount, …)."""
    errors = _check_round(values, None)
    if errors:
        raise ProgrammeError(errors)
    round_ = Round(**values)
    db.session.add(round_)
    db.session.flush()
    logger.info("Round %s (%s) created by %s", round_.id, round_.name, _who(actor))
    return round_


def update_round(round_: Round, actor=None, **values) -> Round:
    """Change a round's programme, name, dates, amounts, eligibility and invitations."""
    errors = _check_round(values, round_)
    if errors:
        raise ProgrammeError(errors)
    budget = values.pop("budget")
    if budget != round_.budget:
        _set_budget(round_, budget)
    for key, value in values.items():
        setattr(round_, key, value)
    db.session.flush()
    logger.info("Round %s updated by %s", round_.id, _who(actor))
    return round_


def _set_budget(round_: Round, budget: Decimal) -> None:
    """Set the budget, refusing in SQL to go below what is already committed or reserved.

    The same row is what approvals reserve against with a guarded UPDATE, so a concurrent
    approval cannot slip in between the check and the change.
    """
    floor = Round.committed + Round.reserved - Round.reclaimed
    old = round_.budget
    result = db.session.execute(
        update(Round)
        .where(Round.id == round_.id, floor <= budget)
        .values(budget=budget)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(round_)
        raise ProgrammeError(
            {
                "budget": _(
                    "Das Budget muss mindestens %(floor)s betragen: So viel ist für bewilligte "
                    "Anträge vorgemerkt oder durch erlassene Bescheide gebunden (abzüglich "
                    "Rückforderungen).",
                    floor=format_money(round_.committed + round_.reserved - round_.reclaimed),
                )
            }
        )
    set_committed_value(round_, "budget", budget)
    record.note(round_, "budget", old, budget)  # the guarded UPDATE bypasses the ORM's record


def invite(round_: Round, municipalities: list[Municipality], actor=None) -> list[Municipality]:
    """Invite `municipalities` to the round; return those that were not invited before."""
    added = [m for m in municipalities if m not in round_.invited]
    round_.invited.extend(added)
    db.session.flush()
    logger.info(
        "Round %s: %s invited by %s",
        round_.id,
        ", ".join(m.ags for m in added) or "nobody",
        _who(actor),
    )
    return added
