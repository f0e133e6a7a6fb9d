"""Invited applicant accounts: the set-password link works once, expires, and checks strength."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from antrag.accounts.invitations import Invitation, invite_applicant
from antrag.accounts.operations import AccountError
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.programme.models import Municipality

NEW_PASSWORD = "ein-langes-neues-passwort"


@pytest.fixture
def invited(world):
    """An invited applicant of a new town; returns (user, link path)."""
    town = Municipality(ags="07340216", name="Landstuhl", kind="verbandsfreie_gemeinde")
    db.session.add(town)
    user, token = invite_applicant(
        email="Buergermeister@Landstuhl.de",
        name="Peter Muster",
        municipality=town,
        actor=world.users.reviewer,
    )
    db.session.commit()
    return user, f"/konto/einladung/{token}"


def test_invitation_mail_carries_the_link_and_only_its_hash_is_stored(invited):
    user, path = invited
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "invitation")
    ).one()
    assert mail.recipient == "buergermeister@landstuhl.de"
    assert path in mail.body and "Landstuhl" in mail.body
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalars(select(Invitation)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(days=14)


def test_link_sets_the_password_once_and_the_person_can_log_in(make_web, invited):
    user, path = invited
    web = make_web()
    page = web.get(path)
    assert page.status_code == 200 and "Peter Muster" in page.get_data(as_text=True)
    response = web.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    db.session.expire_all()
    assert user.check_password(NEW_PASSWORD)
    used = web.get(path)
    assert used.status_code == 404
    assert "bereits verwendet" in used.get_data(as_text=True)
    assert web.post(path, {"password": "x" * 20, "confirm": "x" * 20}).status_code == 404
    db.session.expire_all()
    assert user.check_password(NEW_PASSWORD)
    make_web().login(user, NEW_PASSWORD)  # asserts the redirect of a successful login


def test_expired_link_is_refused(make_web, invited):
    user, path = invited
    invitation = db.session.scalars(select(Invitation)).one()
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    response = make_web().post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert "abgelaufen" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not user.check_password(NEW_PASSWORD)


def test_wrong_link_is_a_clear_404(make_web, invited):
    response = make_web().get("/konto/einladung/gibt-es-nicht")
    assert response.status_code == 404
    assert "ungültig" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("kurz", "kurz", "mindestens 12 Zeichen"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "stimmen nicht überein"),
        ("", "", "Bitte geben Sie ein Passwort an."),
    ],
)
def test_weak_or_mismatched_password_gets_a_field_message(
    make_web, invited, password, confirm, message
):
    user, path = invited
    web = make_web()
    web.get(path)
    response = web.post(path, {"password": password, "confirm": confirm})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Invitation)).one().used_at is None


def test_the_invited_account_cannot_log_in_before_setting_a_password(make_web, invited):
    user, _path = invited
    web = make_web()
    web.get("/anmelden")
    for guess in (NEW_PASSWORD, user.password_hash, user.password_hash[1:]):
        response = web.post("/anmelden", {"email": user.email, "password": guess})
        assert response.status_code != 302, guess
    assert not re.match(r"^(scrypt|pbkdf2)", user.password_hash)


def test_second_account_for_an_address_is_refused(invited, world):
    with pytest.raises(AccountError, match="Es gibt bereits ein Konto"):
        invite_applicant(
            email="buergermeister@landstuhl.de",
            name="Noch einmal",
            municipality=world.speyer,
            actor=world.users.admin,
        )
