"""The administration record: every watched change, its actor, its chain, its exports."""

import json

import pytest
from flask import url_for
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from antrag.audit import record
from antrag.audit.models import AdminRecord
from antrag.extensions import db

ADMIN = "Admin <admin@antrag.rlp.de>"


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def changes(object_type: str, object_id: int) -> list[tuple]:
    """Return (field, old, new, actor) of an object's records after its creation, in order."""
    rows = db.session.scalars(
        select(AdminRecord)
        .filter_by(object_type=object_type, object_id=object_id)
        .where(AdminRecord.field.is_not(None))
        .order_by(AdminRecord.seq)
    )
    return [(r.field, r.old_value, r.new_value, r.actor_name) for r in rows]


def drop_append_only_triggers() -> None:
    """Do what a database administrator covering their tracks would do first."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER admin_record_no_change ON admin_record"))
    else:
        db.session.execute(text("DROP TRIGGER admin_record_no_update"))
        db.session.execute(text("DROP TRIGGER admin_record_no_delete"))
    db.session.commit()


def round_form(world, **overrides) -> dict:
    return {
        "programme": str(world.programme.id),
        "name": "Testrunde",
        "opens_on": world.round.opens_on.strftime("%d.%m.%Y"),
        "closes_on": world.round.closes_on.strftime("%d.%m.%Y"),
        "budget": "250.000,00",
        "standard_amount": "61.000,00",
        "eligibility": "invited",
        "invited": [str(world.speyer.id), str(world.andernach.id)],
    } | overrides


def test_world_creation_is_recorded_and_verifies(world):
    created = db.session.scalars(select(AdminRecord).where(AdminRecord.field.is_(None))).all()

    assert {r.object_type for r in created} == {"municipality", "programme", "round", "user"}
    speyer = next(r for r in created if r.object_label == "Speyer (07318000)")
    assert json.loads(speyer.new_value)["street"] == "Maximilianstraße 100"
    assert record.verify() == (len(db.session.scalars(select(AdminRecord)).all()), None)


def test_budget_and_standard_amount_changed_on_the_admin_page(admin, world):
    url = url_for("admin.round_edit", round_id=world.round.id)

    assert admin.post(url, round_form(world)).status_code == 302

    assert changes("round", world.round.id) == [
        ("budget", "243000.00", "250000.00", ADMIN),
        ("standard_amount", "60750.00", "61000.00", ADMIN),
    ]


def test_role_signing_activation_and_capacity_changed_on_the_admin_page(admin, world):
    user = world.users.reviewer2
    response = admin.post(
        url_for("admin.user_edit", user_id=user.id),
        {
            "name": user.name,
            "role": "mentor",
            "municipality": "",
            "organisation": "KL.digital GmbH",
            "mentor_capacity": "3",
            "can_sign": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    found = {field: (old, new) for field, old, new, actor in changes("user", user.id)}
    assert found["role"] == ("reviewer", "mentor")
    assert found["active"] == ("true", "false")
    assert found["mentor_capacity"] == ("0", "3")


def test_municipality_data_changed_on_the_admin_page(admin, world):
    url = url_for("admin.municipality_edit", municipality_id=world.andernach.id)
    form = {
        "ags": "07137003",
        "name": "Andernach",
        "kind": "grosse_kreisangehoerige_stadt",
        "is_city": "y",
        "population": "30.220",
        "head_title": "Oberbürgermeister",
        "street": "Läufstraße 12",
        "postal_code": "56626",
        "town": "Andernach",
    }

    assert admin.post(url, form).status_code == 302

    assert changes("municipality", world.andernach.id) == [
        ("street", "Läufstraße 11", "Läufstraße 12", ADMIN)
    ]


def test_cli_change_records_the_actor_given(world, runner):
    result = runner.invoke(
        args=["users", "--actor", "admin@antrag.rlp.de", "edit", "anna.prueferin@mdi.rlp.de"]
        + ["--can-sign"]
    )
    assert result.exit_code == 0, result.output

    assert changes("user", world.users.reviewer.id) == [("can_sign", "false", "true", ADMIN)]


def test_cli_change_without_actor_names_the_cli(world, runner):
    result = runner.invoke(args=["users", "deactivate", "digital@pirmasens.de"])
    assert result.exit_code == 0, result.output

    [(field, old, new, actor)] = changes("user", world.users.pirmasens.id)
    assert (field, old, new) == ("active", "true", "false")
    assert actor.startswith("CLI")


def test_signing_authority_changed_in_code_is_recorded_as_system(world):
    world.users.reviewer.can_sign = True
    db.session.commit()

    assert changes("user", world.users.reviewer.id) == [("can_sign", "false", "true", "System")]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE admin_record SET new_value = 'x' WHERE seq = 1", "DELETE FROM admin_record"],
)
def test_database_refuses_changing_the_record(world, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_orm_refuses_changing_a_record(world):
    row = db.session.scalars(select(AdminRecord).limit(1)).one()
    row.new_value = "geändert"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_altered_record_is_found(admin, world, runner):
    admin.post(url_for("admin.round_edit", round_id=world.round.id), round_form(world))
    target = db.session.scalars(select(AdminRecord).filter_by(field="budget")).one()
    drop_append_only_triggers()
    db.session.execute(
        text("UPDATE admin_record SET new_value = '2430000.00' WHERE id = :id"), {"id": target.id}
    )
    db.session.commit()

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"BROKEN administration record at #{target.seq}: content does not match" in (
        result.output
    )


@pytest.mark.parametrize(("position", "reason"), [(3, "is missing"), (-1, "newest records")])
def test_deleted_record_is_found(world, runner, position, reason):
    seqs = db.session.scalars(select(AdminRecord.seq).order_by(AdminRecord.seq)).all()
    drop_append_only_triggers()
    db.session.execute(text("DELETE FROM admin_record WHERE seq = :s"), {"s": seqs[position]})
    db.session.commit()

    _, broken = record.verify()
    result = runner.invoke(args=["audit", "verify"])

    assert broken.seq == seqs[position]
    assert reason in broken.reason
    assert result.exit_code == 1


def test_page_shows_the_changes_and_the_chain_status(admin, world):
    admin.post(url_for("admin.round_edit", round_id=world.round.id), round_form(world))

    html = admin.get(url_for("admin.admin_record", art="round")).get_data(as_text=True)

    assert "Kette geprüft" in html
    assert "<code>243000.00</code>" in html and "<code>250000.00</code>" in html
    assert "Läufstraße" not in html  # filtered to rounds
    assert admin.get(url_for("admin.admin_record", art="unbekannt")).status_code == 404


def test_exports_carry_every_hashed_field(admin, world):
    admin.post(url_for("admin.round_edit", round_id=world.round.id), round_form(world))

    data = admin.get(url_for("admin.admin_record_json")).get_json()
    csv_text = admin.get(url_for("admin.admin_record_csv")).get_data(as_text=True)

    assert data["chain"]["verified"] is True
    first, budget = data["records"][0], next(r for r in data["records"] if r["field"] == "budget")
    assert first["prev_hash"] == record.GENESIS
    assert (budget["old"], budget["new"]) == ("243000.00", "250000.00")
    content = {k: v for k, v in budget.items() if k not in ("prev_hash", "hash")}
    assert record.record_hash(content, budget["prev_hash"]) == budget["hash"]
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("seq;created_at;actor_id")
    assert budget["hash"] in csv_text
