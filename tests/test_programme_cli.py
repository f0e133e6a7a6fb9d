"""`flask municipalities …` and `flask rounds …`: the same operations as the admin UI."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from antrag.extensions import db
from antrag.programme.models import Municipality, Round

CREATE_ROUND = [
    "rounds",
    "create",
    "Pilotrunde 2019",
    "--programme",
    "Interkommunales Netzwerk Digitale Stadt",
    "--opens",
    "14.05.2019",
    "--closes",
    "31.07.2019",
    "--budget",
    "243.000,00",
    "--standard-amount",
    "60.750,00",
    "--eligibility",
    "invited",
    "--invite",
    "07318000",
    "--invite",
    "07317000",
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def with_option(args: list[str], option: str, value: str) -> list[str]:
    args = list(args)
    args[args.index(option) + 1] = value
    return args


def test_municipalities_list(runner, world):
    result = runner.invoke(args=["municipalities", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines] == ["Andernach", "Pirmasens", "Speyer"]
    assert "07318000" in lines[2]
    assert "Kreisfreie Stadt" in lines[2]


def test_municipalities_add(runner, world):
    result = runner.invoke(
        args=[
            "municipalities",
            "add",
            "07111000",
            "Koblenz",
            "--kind",
            "kreisfreie_stadt",
            "--population",
            "114052",
            "--address",
            "Willi-Hörter-Platz 1, 56068 Koblenz",
        ]
    )
    assert result.exit_code == 0, result.output
    koblenz = db.session.scalar(select(Municipality).filter_by(ags="07111000"))
    assert (koblenz.name, koblenz.population, koblenz.is_city) == ("Koblenz", 114052, True)
    assert koblenz.address.startswith("Willi-Hörter-Platz")


def test_municipalities_add_no_city(runner, world):
    args = ["municipalities", "add", "07131001", "Adenau", "--kind", "ortsgemeinde"]
    result = runner.invoke(args=[*args, "--population", "2900", "--no-city"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Municipality.is_city).filter_by(ags="07131001")) is False


@pytest.mark.parametrize(
    ("ags", "message"),
    [
        ("08111000", "beginnen mit 07"),
        ("0711100", "genau 8 Ziffern"),
        ("07318000", "hat bereits Speyer"),
    ],
)
def test_municipalities_add_refused(runner, world, ags, message):
    args = ["municipalities", "add", ags, "Irgendwo", "--kind", "kreisfreie_stadt"]
    result = runner.invoke(args=[*args, "--population", "1000"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(Municipality) == 3


def test_rounds_create_and_list(runner, world):
    result = runner.invoke(args=CREATE_ROUND)
    assert result.exit_code == 0, result.output
    round_ = db.session.scalar(select(Round).filter_by(name="Pilotrunde 2019"))
    assert (round_.opens_on, round_.closes_on) == (date(2019, 5, 14), date(2019, 7, 31))
    assert (round_.budget, round_.standard_amount) == (Decimal("243000.00"), Decimal("60750.00"))
    assert sorted(m.name for m in round_.invited) == ["Pirmasens", "Speyer"]

    listed = runner.invoke(args=["rounds", "list"])
    assert listed.exit_code == 0
    line = next(line for line in listed.output.splitlines() if line.startswith("Pilotrunde"))
    for part in ("14.05.2019", "31.07.2019", "243.000,00", "60.750,00", "invited", "Speyer"):
        assert part in line


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--closes", "13.05.2019", "nicht vor ihrem Beginn"),
        ("--opens", "14.05.19", "--opens"),
        ("--budget", "-1,00", "darf nicht negativ sein"),
        ("--standard-amount", "viel", "--standard-amount"),
        ("--invite", "07999999", "Keine Kommune mit dem AGS 07999999"),
        ("--programme", "Unbekannt", "--create-programme"),
    ],
)
def test_rounds_create_refused(runner, world, option, value, message):
    result = runner.invoke(args=with_option(CREATE_ROUND, option, value))
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(Round) == 1


def test_rounds_create_duplicate_name(runner, world):
    args = [*CREATE_ROUND[:2], "Testrunde", *CREATE_ROUND[3:]]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "gibt es bereits" in result.stderr


def test_rounds_create_with_new_programme(runner, world):
    args = with_option(CREATE_ROUND, "--programme", "Smarte Dörfer")
    result = runner.invoke(args=[*args, "--create-programme"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Round).filter_by(name="Pilotrunde 2019")).programme.name == (
        "Smarte Dörfer"
    )


def test_rounds_invite(runner, world):
    result = runner.invoke(args=["rounds", "invite", "Testrunde", "07317000", "07318000"])
    assert result.exit_code == 0, result.output
    assert "Invited 1" in result.output  # Speyer was invited already
    db.session.refresh(world.round)
    assert [m.name for m in world.round.invited] == ["Andernach", "Pirmasens", "Speyer"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Keine Runde", "07317000"], "No round called"),
        (["Testrunde", "07111000"], "Keine Kommune mit dem AGS 07111000"),
    ],
)
def test_rounds_invite_refused(runner, world, args, message):
    result = runner.invoke(args=["rounds", "invite", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    db.session.refresh(world.round)
    assert len(world.round.invited) == 2
