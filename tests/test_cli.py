"""`flask users create`: the password comes from stdin or a prompt and is stored hashed."""

import pytest
from sqlalchemy import func, select

from antrag.accounts.models import User
from antrag.extensions import db

PASSWORD = "ein-langes-passwort"


def create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\n{password}\n")


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_reviewer_with_password_from_stdin(runner, world):
    result = create(
        runner, "Clara.Pruefer@mdi.rlp.de", "--role", "reviewer", "--organisation", "Ministerium"
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "clara.pruefer@mdi.rlp.de"))
    assert (user.role, user.organisation, user.municipality) == ("reviewer", "Ministerium", None)
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_create_applicant_bound_to_a_municipality(runner, world):
    result = create(runner, "it@speyer.de", "--role", "applicant", "--municipality", "07318000")

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "it@speyer.de"))
    assert user.municipality_id == world.speyer.id


def test_password_confirmation_must_match(runner, world):
    result = runner.invoke(
        args=["users", "create", "x@mdi.rlp.de", "--role", "reviewer"],
        input=f"{PASSWORD}\nanders-als-vorher\n",
    )

    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "x@mdi.rlp.de")) is None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["neu@speyer.de", "--role", "applicant"], PASSWORD, "brauchen eine Kommune"),
        (
            ["neu@speyer.de", "--role", "applicant", "--municipality", "07999999"],
            PASSWORD,
            "Keine Kommune mit dem AGS 07999999",
        ),
        (["digital@speyer.de", "--role", "reviewer"], PASSWORD, "bereits ein Konto"),
        (["DIGITAL@Speyer.de", "--role", "reviewer"], PASSWORD, "bereits ein Konto"),
        (["neu@mdi.rlp.de", "--role", "reviewer"], "kurz", "mindestens 12 Zeichen"),
        (["keine-adresse", "--role", "reviewer"], PASSWORD, "keine gültige E-Mail-Adresse"),
        (
            ["neu@mdi.rlp.de", "--role", "reviewer", "--municipality", "07318000"],
            PASSWORD,
            "Nur antragstellende Konten",
        ),
    ],
    ids=[
        "applicant_without_municipality",
        "unknown_ags",
        "duplicate_email",
        "duplicate_email_other_case",
        "short_password",
        "invalid_email",
        "reviewer_with_municipality",
    ],
)
def test_create_refused_with_a_message(runner, world, args, password, message):
    before = user_count()

    result = create(runner, *args, password=password)

    assert result.exit_code == 1
    assert message in result.output
    assert user_count() == before


def test_users_deactivate_and_activate(runner, world):

    result = runner.invoke(args=["users", "deactivate", world.users.mentor.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, world.users.mentor.id).active is False
    assert runner.invoke(args=["users", "activate", world.users.mentor.email]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, world.users.mentor.id).active is True


def test_users_set_password_reads_stdin_and_checks_strength(runner, world):

    email = world.users.reviewer.email
    weak = runner.invoke(args=["users", "set-password", email], input="kurz\nkurz\n")
    assert weak.exit_code == 1
    assert "mindestens" in weak.output
    ok = runner.invoke(args=["users", "set-password", email], input="neues-langes-passwort\n" * 2)
    assert ok.exit_code == 0, ok.output
    db.session.expire_all()
    user = db.session.get(User, world.users.reviewer.id)
    assert user.check_password("neues-langes-passwort")
    assert "neues-langes-passwort" not in user.password_hash


def test_users_commands_refuse_unknown_accounts(runner, world):
    result = runner.invoke(args=["users", "deactivate", "niemand@example.org"])
    assert result.exit_code == 1
    assert "no account" in result.output


def test_create_a_head_of_unit(runner, world):
    result = create(runner, "leitung@mdi.rlp.de", "--role", "reviewer", "--lead")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "leitung@mdi.rlp.de")).lead is True


def test_edit_sets_and_clears_the_lead_flag_and_the_record_names_it(runner, world):
    from antrag.audit.models import AdminRecord

    email, admin = world.users.reviewer.email, world.users.admin.email
    granted = runner.invoke(args=["users", "--actor", admin, "edit", email, "--lead"])
    assert granted.exit_code == 0, granted.output
    assert "head of unit" in granted.output
    assert runner.invoke(args=["users", "edit", email, "--no-lead"]).exit_code == 0

    rows = db.session.scalars(
        select(AdminRecord)
        .filter_by(object_type="user", object_id=world.users.reviewer.id, field="lead")
        .order_by(AdminRecord.seq)
    )
    assert [(r.old_value, r.new_value, r.actor_id) for r in rows] == [
        ("false", "true", world.users.admin.id),
        ("true", "false", None),
    ]
    db.session.expire_all()
    assert db.session.get(User, world.users.reviewer.id).lead is False


@pytest.mark.parametrize("command", ["create", "edit"])
def test_only_reviewers_can_be_head_of_unit(runner, world, command):
    if command == "create":
        result = create(runner, "neu@kl.digital", "--role", "mentor", "--lead")
    else:
        result = runner.invoke(args=["users", "edit", world.users.mentor.email, "--lead"])

    assert result.exit_code == 1
    assert "lead: Referatsleitung gibt es nur für Konten des Ministeriums" in result.output
    db.session.expire_all()
    assert not db.session.scalar(select(func.count()).select_from(User).where(User.lead))
