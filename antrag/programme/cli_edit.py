"""`flask rounds edit` and `flask rounds programme`: change a round or a programme from the shell.

What a fresh production needs before its first notice — a round's budget and standard
amount, its budget item, the programme's funding guideline — without the web UI. Both go
through the operations of the admin pages (`update_round`, `update_programme`): the same
checks, the budget set with the guarded UPDATE that never goes below what is committed, and
the administration record (with `rounds --actor EMAIL …` naming who).
"""

import click

from ..extensions import db
from ..formats import format_amount, format_date, parse_date
from .cli import _fail, _parsed, _refusals_exit, rounds_cli
from .forms import parse_signed_amount
from .models import ELIGIBILITY
from .operations import find_programme, find_round, update_programme, update_round

ROUND_FIELDS = (
    "programme", "name", "opens_on", "closes_on", "budget", "standard_amount", "eligibility",
    "budget_chapter", "budget_title",
)  # fmt: skip


@rounds_cli.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="New name of the round.")
@click.option("--opens", help="First day, e.g. 14.05.2019.")
@click.option("--closes", help="Last day, e.g. 31.07.2019.")
@click.option("--budget", help="Budget in EUR, e.g. 243.000,00 (not below what is committed).")
@click.option("--standard-amount", help="Standard amount in EUR, e.g. 60.750,00.")
@click.option("--eligibility", type=click.Choice(list(ELIGIBILITY)))
@click.option("--budget-chapter", help="Budget item: Kapitel, e.g. '03 01' ('' clears it).")
@click.option("--budget-title", help="Budget item: Titel, e.g. '883 01' ('' clears it).")
@_refusals_exit
def edit_round(name, new_name, opens, closes, budget, standard_amount, **given):
    """Change the round NAME: only the options given change (as in the admin form)."""
    round_ = find_round(name)
    if round_ is None:
        _fail(f"No round called '{name}'.")
    values = {field: getattr(round_, field) for field in ROUND_FIELDS}
    values.update({key: value for key, value in given.items() if value is not None})
    if new_name is not None:
        values["name"] = new_name
    if opens is not None:
        values["opens_on"] = _parsed(parse_date, opens, "--opens")
    if closes is not None:
        values["closes_on"] = _parsed(parse_date, closes, "--closes")
    if budget is not None:
        values["budget"] = _parsed(parse_signed_amount, budget, "--budget")
    if standard_amount is not None:
        values["standard_amount"] = _parsed(
            parse_signed_amount, standard_amount, "--standard-amount"
        )
    update_round(round_, **values)
    db.session.commit()
    click.echo(
        f"Changed round {round_.name}: {format_date(round_.opens_on)}–"
        f"{format_date(round_.closes_on)}, budget {format_amount(round_.budget)} EUR, "
        f"standard amount {format_amount(round_.standard_amount)} EUR, {round_.eligibility}, "
        f"budget item {round_.budget_chapter or '-'} / {round_.budget_title or '-'}."
    )


@rounds_cli.command("programme")
@click.argument("name")
@click.option("--name", "new_name", help="New name of the programme.")
@click.option("--description", help="Description ('' clears it).")
@click.option("--guideline-title", help="Title of the funding guideline the notices name.")
@click.option("--guideline-date", help="Date of the funding guideline, e.g. 15.01.2019.")
@_refusals_exit
def edit_programme(name, new_name, description, guideline_title, guideline_date):
    """Change the programme NAME: only the options given change (as in the admin form)."""
    programme = find_programme(name)
    if programme is None:
        _fail(f"No programme called '{name}'.")
    values = {
        "name": programme.name if new_name is None else new_name,
        "description": programme.description if description is None else description,
        "guideline_title": programme.guideline_title
        if guideline_title is None
        else guideline_title,
        "guideline_date": programme.guideline_date,
    }
    if guideline_date is not None:
        values["guideline_date"] = (
            _parsed(parse_date, guideline_date, "--guideline-date") if guideline_date else None
        )
    update_programme(programme, **values)
    db.session.commit()
    guideline = programme.guideline_title or "-"
    if programme.guideline_date:
        guideline += f" ({format_date(programme.guideline_date)})"
    click.echo(f"Changed programme {programme.name}: guideline {guideline}.")
