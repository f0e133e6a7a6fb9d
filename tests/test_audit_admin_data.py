"""`audit verify` compares rounds, accounts, municipalities, … with the administration record.

Changes made through Antrag are recorded and match; a change made in the database past the
app (a budget raised, a role granted, an account inserted or deleted with SQL) is named.
"""

import json

import pytest
from audit_support import in_the_database, verify
from conftest import PASSWORD
from flask import url_for
from sqlalchemy import select

from antrag.accounts.factor_reset import confirm_reset, request_reset
from antrag.accounts.operations import create_user
from antrag.audit import admin_data, record
from antrag.audit.models import AdminRecord
from antrag.audit.snapshot import canonical
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.programme.models import Municipality

ADMIN_EMAIL = "admin@antrag.rlp.de"


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def new_municipality(ags: str = "07999001", name: str = "Neustadt-Test") -> Municipality:
    municipality = Municipality(ags=ags, name=name, kind="verbandsfreie_gemeinde", population=1000)
    db.session.add(municipality)
    db.session.commit()
    return municipality


def test_changes_made_through_antrag_match_the_record(admin, world, runner):
    round_url = url_for("admin.round_edit", round_id=world.round.id)
    form = {
        "programme": str(world.programme.id),
        "name": world.round.name,
        "opens_on": world.round.opens_on.strftime("%d.%m.%Y"),
        "closes_on": world.round.closes_on.strftime("%d.%m.%Y"),
        "budget": "250.000,00",  # a guarded UPDATE, recorded with `record.note`
        "standard_amount": "61.000,00",
        "eligibility": "invited",
        "invited": [str(world.speyer.id), str(world.andernach.id)],
    }
    assert admin.post(round_url, form).status_code == 302
    world.users.reviewer2.can_sign = False
    db.session.delete(new_municipality())
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "administrative objects match the administration record" in result.output


def test_a_confirmed_second_factor_reset_matches_to_the_microsecond(world, runner):
    second_admin = create_user(
        email="zweite.admin@mdi.example", name="Zweite Admin", role="admin", password=PASSWORD
    )
    reset = request_reset(world.users.admin, world.users.reviewer, "Persönlich erkannt.")
    db.session.commit()
    confirm_reset(second_admin, reset)
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "UPDATE round SET budget = budget + 1000000 WHERE id = :round",
            'round {round} (Testrunde): budget: recorded "243000.00" → now "1243000.00"',
        ),
        (
            "UPDATE \"user\" SET role = 'admin' WHERE id = :reviewer",
            'user {reviewer} (anna.prueferin@mdi.rlp.de): role: recorded "reviewer" → now "admin"',
        ),
        (
            'UPDATE "user" SET can_sign = NOT can_sign WHERE id = :reviewer',
            "user {reviewer} (anna.prueferin@mdi.rlp.de): can_sign: recorded",
        ),
        (
            'UPDATE "user" SET mentor_capacity = 99 WHERE id = :mentor',
            'mentor_capacity: recorded "{capacity}" → now "99"',
        ),
        (
            "UPDATE municipality SET iban = 'DE02120300000000202051' WHERE id = :speyer",
            'municipality {speyer} (Speyer (07318000)): iban: recorded "{iban}" → now '
            '"DE02120300000000202051"',
        ),
    ],
    ids=["budget", "role", "signing", "capacity", "bank account"],
)
def test_a_change_made_in_the_database_is_named(world, runner, statement, expected):
    ids = {
        "round": world.round.id,
        "reviewer": world.users.reviewer.id,
        "mentor": world.users.mentor.id,
        "speyer": world.speyer.id,
    }
    expected = expected.format(
        **ids, capacity=world.users.mentor.mentor_capacity, iban=world.speyer.iban
    )
    expected = expected.replace('"None"', "–")
    in_the_database(statement, **{key: ids[key] for key in ids if f":{key}" in statement})

    result = verify(runner)

    assert result.exit_code == 1
    assert "ADMIN DATA CHANGED outside the record" in result.output
    assert expected in result.output, result.output


def test_an_account_inserted_with_sql_is_named(world, runner):
    in_the_database(
        'INSERT INTO "user" (email, name, password_hash, role, active, created_at, can_sign, '
        "may_represent, mentor_capacity, mentor_topics, lead, digest_opt_out) "
        "VALUES ('eve@example.org', 'Eve', 'x', 'admin', :yes, :now, :no, :no, 0, '', :no, :no)",
        yes=True,
        no=False,
        now=utcnow(),
    )
    eve = db.session.scalars(select(record.User).filter_by(email="eve@example.org")).one()

    result = verify(runner)

    assert result.exit_code == 1
    assert f"user {eve.id} (eve@example.org): not in the administration record" in result.output


def test_a_row_deleted_with_sql_is_named(world, runner):
    municipality_id = new_municipality().id
    in_the_database("DELETE FROM municipality WHERE id = :id", id=municipality_id)

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"municipality {municipality_id} (Neustadt-Test (07999001)): deleted in the database, "
        "but the record has no deletion"
    ) in result.output


def test_a_row_put_back_after_its_recorded_deletion_is_named(world, runner):
    municipality = new_municipality()
    municipality_id = municipality.id
    db.session.delete(municipality)
    db.session.commit()
    in_the_database(
        "INSERT INTO municipality (id, ags, name, kind, is_city, population) "
        "VALUES (:id, '07999001', 'Neustadt-Test', 'verbandsfreie_gemeinde', :no, 1000)",
        id=municipality_id,
        no=False,
    )

    result = verify(runner)

    assert result.exit_code == 1
    assert "its deletion is recorded, but the row exists" in result.output


def test_baseline_records_objects_older_than_the_record_once(world, runner):
    in_the_database(  # a municipality from before the record began (migration 0021)
        "INSERT INTO municipality (ags, name, kind, is_city, population) "
        "VALUES ('07999002', 'Altdorf', 'ortsgemeinde', :no, 1000)",
        no=False,
    )
    assert "not in the administration record" in verify(runner).output

    first = runner.invoke(args=["audit", "--actor", ADMIN_EMAIL, "baseline"])
    again = runner.invoke(args=["audit", "--actor", ADMIN_EMAIL, "baseline"])

    assert first.output.strip() == "1 object(s) recorded as found."
    assert again.output.strip() == "nothing to record."
    found = db.session.scalars(select(AdminRecord).filter_by(field=admin_data.BASELINE)).one()
    assert found.actor_name == f"Admin <{ADMIN_EMAIL}>"
    assert json.loads(found.new_value)["name"] == "Altdorf"
    assert verify(runner).exit_code == 0
    in_the_database("UPDATE municipality SET population = 5 WHERE ags = '07999002'")
    assert 'population: recorded "1000" → now "5"' in verify(runner).output


def test_a_field_the_record_never_knew_is_not_compared(world, runner):
    in_the_database(
        "INSERT INTO municipality (ags, name, kind, is_city, population) "
        "VALUES ('07999003', 'Neudorf', 'ortsgemeinde', :no, 1000)",
        no=False,
    )
    neudorf = db.session.scalars(select(Municipality).filter_by(ags="07999003")).one()
    # A creation record written before `iban` was watched: it names the other fields only.
    fields = record.WATCHED[Municipality][2]
    values = {name: record.text(getattr(neudorf, name)) for name in fields if name != "iban"}
    label = "Neudorf (07999003)"
    change = record.Change("municipality", neudorf.id, label, None, None, canonical(values))
    record.append(db.session(), [change])
    db.session.commit()
    in_the_database(
        "UPDATE municipality SET iban = 'DE02120300000000202051' WHERE id = :id", id=neudorf.id
    )

    assert verify(runner).exit_code == 0


def test_the_record_page_shows_what_differs(admin, world):
    in_the_database("UPDATE round SET budget = 1 WHERE id = :id", id=world.round.id)

    html = admin.get(url_for("admin.admin_record")).get_data(as_text=True)

    assert "1 Abweichung zwischen Datenbank und Protokoll" in html
    assert f"Antragsrunde {world.round.id} (Testrunde)" in html
    assert "Feld budget: laut Protokoll 243000.00, in der Datenbank 1.00" in html


def test_the_record_page_confirms_the_data(admin, world):
    html = admin.get(url_for("admin.admin_record")).get_data(as_text=True)

    assert "Objekte stimmen mit dem Protokoll überein" in html
