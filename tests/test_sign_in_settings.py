"""Password login switched off per role, and the single sign-on settings from the environment."""

import pytest
from conftest import PASSWORD
from security_support import events, is_logged_in

from config import Config


@pytest.fixture
def password_only_for_cities(app):
    app.config["PASSWORD_LOGIN_ROLES"] = ("applicant",)


def test_password_login_switched_off_for_a_role_points_to_single_sign_on(
    password_only_for_cities, world, web, caplog
):
    web.get("/anmelden")
    data = {"email": world.users.reviewer.email, "password": PASSWORD}
    response = web.post("/anmelden", data)
    assert response.status_code == 200
    assert "Anmeldung mit Passwort abgeschaltet" in response.get_data(as_text=True)
    assert "Mit Dienstkonto anmelden" in response.get_data(as_text=True)
    assert not is_logged_in(web.client)
    refused = events(caplog, "login")[-1]
    assert (refused["outcome"], refused["reason"]) == ("refused", "password_login_off")


def test_a_wrong_password_still_gets_the_usual_answer(password_only_for_cities, world, web):
    """Whether password login is off for an account is told only to who knows its password."""
    web.get("/anmelden")
    response = web.post("/anmelden", {"email": world.users.reviewer.email, "password": "falsch"})
    assert "abgeschaltet" not in response.get_data(as_text=True)


def test_password_login_stays_for_the_roles_listed(password_only_for_cities, world, web):
    web.login(world.users.speyer)
    assert is_logged_in(web.client)


@pytest.mark.database_agnostic
def test_single_sign_on_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", "https://sso.rlp.example/realms/mdi")
    monkeypatch.setenv("OIDC_ROLE_CLAIM", "realm_access.roles")
    monkeypatch.setenv("OIDC_ROLE_MAP", "CN=Antrag Prüfung,OU=MdI=reviewer; antrag-admin=admin")
    monkeypatch.setenv("OIDC_MFA_ACR", "urn:mace:incommon:iap:silver, 2")
    monkeypatch.setenv("PASSWORD_LOGIN_ROLES", "applicant,mentor")
    values = Config.from_environment()
    assert values["OIDC_ISSUER"] == "https://sso.rlp.example/realms/mdi"
    assert values["OIDC_ROLE_CLAIM"] == "realm_access.roles"
    assert values["OIDC_ROLE_MAP"] == {
        "CN=Antrag Prüfung,OU=MdI": "reviewer",
        "antrag-admin": "admin",
    }
    assert values["OIDC_MFA_ACR"] == ("urn:mace:incommon:iap:silver", "2")
    assert values["PASSWORD_LOGIN_ROLES"] == ("applicant", "mentor")


@pytest.mark.database_agnostic
def test_a_role_map_naming_an_unknown_role_is_refused(monkeypatch):
    monkeypatch.setenv("OIDC_ROLE_MAP", "antrag-chef=superuser")
    with pytest.raises(ValueError, match="OIDC_ROLE_MAP"):
        Config.from_environment()
