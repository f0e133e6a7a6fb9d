"""Resetting a lost second factor: one admin requests, a second confirms; recorded."""

import pytest
from conftest import PASSWORD
from second_factor_support import enrol_totp
from security_support import events
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from antrag.accounts import totp
from antrag.accounts.factor_models import RecoveryCode, SecondFactorReset
from antrag.accounts.factor_reset import ResetRefused, confirm_reset, request_reset
from antrag.accounts.models import UserSession
from antrag.accounts.operations import create_user
from antrag.audit.models import AdminRecord
from antrag.extensions import db


@pytest.fixture
def second_admin(world):
    user = create_user(
        email="zweite.admin@mdi.example", name="Zweite Admin", role="admin", password=PASSWORD
    )
    db.session.commit()
    return user


def _page(user) -> str:
    return f"/verwaltung/konten/{user.id}/zweiter-faktor"


def test_two_admins_reset_a_lost_factor(make_web, world, second_admin, caplog):
    reviewer = world.users.reviewer
    enrol_totp(reviewer)
    victim = make_web(reviewer)  # an open session of the account
    first = make_web(world.users.admin)
    first.get(_page(reviewer))
    asked = first.post(_page(reviewer), {"reason": "Persönlich mit Dienstausweis erkannt"})
    assert asked.status_code == 302
    assert totp.enrolled(reviewer)
    # The requester cannot confirm.
    assert first.post(f"{_page(reviewer)}/bestaetigen").status_code == 302
    assert totp.enrolled(reviewer)
    second = make_web(second_admin)
    second.get(_page(reviewer))
    assert second.post(f"{_page(reviewer)}/bestaetigen").status_code == 302
    db.session.expire_all()
    assert not totp.enrolled(reviewer)
    assert db.session.scalars(select(RecoveryCode)).all() == []
    reset = db.session.scalars(select(SecondFactorReset)).one()
    assert reset.requested_by_id == world.users.admin.id
    assert reset.confirmed_by_id == second_admin.id
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == reviewer.id))
    assert all(row.ended_at is not None for row in rows)
    assert victim.get("/pruefung/").headers["Location"].startswith("/anmelden")
    recorded = db.session.scalars(
        select(AdminRecord).where(AdminRecord.object_type == "second_factor_reset")
    ).all()
    assert {r.field for r in recorded} >= {None, "confirmed_by_id"}
    outcomes = [e["outcome"] for e in events(caplog, "second_factor_reset")]
    assert outcomes == ["requested", "confirmed"]


def test_nobody_resets_their_own_factor(app, world):
    admin = world.users.admin
    with app.test_request_context(), pytest.raises(ResetRefused):
        request_reset(admin, admin, "selbst")


def test_the_database_refuses_a_confirmation_by_the_requester(app, world):
    reset = SecondFactorReset(
        user_id=world.users.reviewer.id,
        reason="x",
        requested_by_id=world.users.admin.id,
        confirmed_by_id=world.users.admin.id,
        confirmed_at=db.func.now(),
        open_marker=None,
    )
    db.session.add(reset)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_confirming_admin_must_be_a_second_person(app, world, second_admin):
    with app.test_request_context():
        reset = request_reset(world.users.admin, world.users.reviewer, "erkannt")
        with pytest.raises(ResetRefused):
            confirm_reset(world.users.admin, reset)
        with pytest.raises(ResetRefused):
            request_reset(second_admin, world.users.reviewer, "noch einmal")


def test_only_admins_open_the_reset_page(make_web, world):
    for user, expected in ((world.users.reviewer, 403), (world.users.speyer, 403)):
        assert make_web(user).get(_page(world.users.mentor)).status_code == expected


@pytest.mark.parametrize("role", ["speyer", "reviewer", "mentor"])
def test_only_admins_request_a_reset(make_web, world, role):
    target = world.users.mentor if role != "mentor" else world.users.reviewer
    enrol_totp(target)
    web = make_web(getattr(world.users, role))
    web.get("/anmelden")
    response = web.post(_page(target), {"reason": "erkannt"})
    assert response.status_code == 403
    assert db.session.scalars(select(SecondFactorReset)).all() == []
