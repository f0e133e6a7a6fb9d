"""`flask municipalities …` and `flask rounds …`: thin wrappers over the programme operations."""

import sys
from functools import wraps

import click
from flask.cli import AppGroup

from ..audit.actor import actor_option
from ..extensions import db
from ..formats import format_amount, format_date, parse_date
from .forms import parse_signed_amount
from .models import ELIGIBILITY, MUNICIPALITY_KINDS, Municipality, Round
from .operations import (
    ProgrammeError,
    create_municipality,
    create_programme,
    create_round,
    find_municipality,
    find_programme,
    find_round,
    invite,
    municipalities_by_ags,
    update_municipality,
)

# What `update_municipality` takes besides the account (kept as they are by `account`).
MUNICIPALITY_COLUMNS = (
    "ags", "name", "kind", "is_city", "population", "head_title", "street", "postal_code", "town",
)  # fmt: skip

municipalities_cli = actor_option(AppGroup("municipalities", help="Manage municipalities."))
rounds_cli = actor_option(AppGroup("rounds", help="Manage funding rounds."))


def _fail(message: str):
    """Roll back, print `message` on stderr and exit 1."""
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _refusals_exit(command):
    """Turn a refused operation into its messages on stderr and exit code 1."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ProgrammeError as exc:
            _fail("; ".join(f"{field}: {message}" for field, message in exc.errors.items()))

    return wrapped


def _parsed(parse, text: str, option: str):
    """Return `parse(text)`, or fail naming the option whose German value is malformed."""
    try:
        return parse(text)
    except ValueError as exc:
        _fail(f"{option}: {exc}")


@municipalities_cli.command("list")
def list_municipalities():
    """List every municipality with key, name, kind and population."""
    for m in db.session.scalars(db.select(Municipality).order_by(Municipality.name)):
        city = "Stadt" if m.is_city else ""
        click.echo(f"{m.ags}  {m.name:<30} {m.kind_label:<30} {m.population:>8}  {city}")


@municipalities_cli.command("add")
@click.argument("ags")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(list(MUNICIPALITY_KINDS)))
@click.option("--population", required=True, type=click.IntRange(min=0))
@click.option("--city/--no-city", default=True, help="Whether it is a city (default: yes).")
@click.option("--address", help="Postal address, e.g. 'Maximilianstraße 100, 67346 Speyer'.")
@click.option("--street", help="Street and number of the administration (instead of --address).")
@click.option("--postal-code", help="Postal code (5 digits).")
@click.option("--town", help="Town of the postal address.")
@click.option("--head-title", help="Official title of the head (default: from --kind, GemO).")
@click.option("--iban", help="IBAN of the account grants are paid to.")
@click.option("--bic", help="BIC (default: derived from the IBAN where known).")
@click.option("--account-holder", help="Holder of the account, e.g. 'Stadtkasse Speyer'.")
@_refusals_exit
def add_municipality(ags, name, kind, population, city, **addressee):
    """Add the municipality AGS called NAME."""
    municipality = create_municipality(
        ags=ags, name=name, kind=kind, population=population, is_city=city, **addressee
    )
    db.session.commit()
    click.echo(f"Added {municipality.ags} {municipality.name}.")


@municipalities_cli.command("account")
@click.argument("ags")
@click.option("--iban", required=True, help="IBAN of the account grants are paid to.")
@click.option("--bic", help="BIC (default: derived from the IBAN where known).")
@click.option("--account-holder", required=True, help="Holder, e.g. 'Stadtkasse Speyer'.")
@_refusals_exit
def set_account(ags, iban, bic, account_holder):
    """Set the bank account of the municipality AGS (checked like in the admin form)."""
    municipality = find_municipality(ags)
    if municipality is None:
        _fail(f"No municipality with AGS {ags}.")
    values = {c: getattr(municipality, c) for c in MUNICIPALITY_COLUMNS}
    values.update(iban=iban, bic=bic, account_holder=account_holder)
    update_municipality(municipality, **values)
    db.session.commit()
    click.echo(
        f"{municipality.name}: {municipality.iban} ({municipality.bic or 'no BIC'}), "
        f"{municipality.account_holder}."
    )


@rounds_cli.command("list")
def list_rounds():
    """List every round with dates, budget, standard amount, eligibility and invitations."""
    for r in db.session.scalars(db.select(Round).order_by(Round.opens_on, Round.name)):
        invited = ", ".join(m.name for m in r.invited) or "–"
        click.echo(
            f"{r.name}: {format_date(r.opens_on)}–{format_date(r.closes_on)}, "
            f"budget {format_amount(r.budget)} EUR, standard amount "
            f"{format_amount(r.standard_amount)} EUR, {r.eligibility}, invited: {invited}"
        )


@rounds_cli.command("create")
@click.argument("name")
@click.option("--programme", "programme_name", required=True, help="Name of the programme.")
@click.option(
    "--create-programme",
    "new_programme",
    is_flag=True,
    help="Create the programme if it does not exist yet.",
)
@click.option("--opens", required=True, help="First day, e.g. 14.05.2019.")
@click.option("--closes", required=True, help="Last day, e.g. 31.07.2019.")
@click.option("--budget", required=True, help="Budget in EUR, e.g. 243.000,00.")
@click.option("--standard-amount", required=True, help="Standard amount, e.g. 60.750,00.")
@click.option("--eligibility", required=True, type=click.Choice(list(ELIGIBILITY)))
@click.option("--invite", "invited", multiple=True, help="AGS of an invited municipality.")
@click.option("--budget-chapter", help="Budget item the notices name: Kapitel, e.g. '03 01'.")
@click.option("--budget-title", help="Budget item the notices name: Titel, e.g. '883 01'.")
@_refusals_exit
def create(
    name,
    programme_name,
    new_programme,
    opens,
    closes,
    budget,
    standard_amount,
    eligibility,
    invited,
    budget_chapter,
    budget_title,
):
    """Create the round NAME of a programme (change it later with `rounds edit`)."""
    programme = find_programme(programme_name)
    if programme is None and not new_programme:
        _fail(f"No programme called '{programme_name}' (add --create-programme to create it).")
    if programme is None:
        programme = create_programme(name=programme_name)
        click.echo(f"Created programme {programme.name}.")
    round_ = create_round(
        programme=programme,
        name=name,
        opens_on=_parsed(parse_date, opens, "--opens"),
        closes_on=_parsed(parse_date, closes, "--closes"),
        budget=_parsed(parse_signed_amount, budget, "--budget"),
        standard_amount=_parsed(parse_signed_amount, standard_amount, "--standard-amount"),
        eligibility=eligibility,
        invited=municipalities_by_ags(list(invited)),
        budget_chapter=budget_chapter,
        budget_title=budget_title,
    )
    db.session.commit()
    click.echo(f"Created round {round_.name} ({len(round_.invited)} invited).")


@rounds_cli.command("invite")
@click.argument("name")
@click.argument("keys", nargs=-1, required=True, metavar="AGS...")
@_refusals_exit
def invite_to_round(name, keys):
    """Invite the municipalities AGS... to the round NAME."""
    round_ = find_round(name)
    if round_ is None:
        _fail(f"No round called '{name}'.")
    added = invite(round_, municipalities_by_ags(list(keys)))
    db.session.commit()
    click.echo(f"Invited {len(added)} to {round_.name}: {', '.join(m.name for m in added) or '–'}.")
