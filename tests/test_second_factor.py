"""The second factor at login: enrolment, TOTP codes, replay, recovery codes, role rule."""

from datetime import timedelta

import pyotp
from conftest import PASSWORD
from second_factor_support import current_code, enrol_totp, login_with_code
from security_support import events, is_logged_in
from sqlalchemy import select

from antrag.accounts import totp
from antrag.accounts.factor_models import RecoveryCode, TotpCredential
from antrag.accounts.models import UserSession
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db


def _row(user) -> UserSession:
    db.session.expire_all()
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id.desc())
    ).first()


def test_password_alone_does_not_log_in_an_account_with_a_second_factor(web, world):
    user = world.users.speyer
    enrol_totp(user)
    web.get("/anmelden")
    response = web.post("/anmelden", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/anmelden/zweiter-faktor"
    assert not is_logged_in(web.client)
    assert _row(user) is None  # no session row before the second step


def test_login_with_the_apps_code_completes_the_login(web, world, caplog):
    user = world.users.speyer
    enrol_totp(user)
    response = login_with_code(web, user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(web.client)
    row = _row(user)
    assert row.second_factor_method == "totp" and row.second_factor_at is not None
    assert user.last_login_at is not None
    (login,) = events(caplog, "login")
    assert login["second_factor"] == "totp"


def test_a_wrong_code_is_refused_with_a_field_message(web, world, caplog):
    user = world.users.speyer
    enrol_totp(user)
    good = current_code(user)
    wrong = f"{(int(good) + 1) % 1000000:06d}"
    response = login_with_code(web, user, wrong)
    assert response.status_code == 422
    assert "nicht richtig oder abgelaufen" in response.get_data(as_text=True)
    assert not is_logged_in(web.client)
    assert [e["reason"] for e in events(caplog, "second_factor")] == ["wrong"]


def test_a_used_code_is_refused_within_its_window(make_web, world):
    user = world.users.speyer
    enrol_totp(user)
    moment = utcnow()
    with frozen_at(moment):
        code = current_code(user)
        assert login_with_code(make_web(), user, code).status_code == 302
        replayed = login_with_code(make_web(), user, code)
    assert replayed.status_code == 422
    assert "schon verwendet" in replayed.get_data(as_text=True)
    with frozen_at(moment + timedelta(seconds=30)):
        assert login_with_code(make_web(), user).status_code == 302  # the next step's code


def test_codes_of_the_neighbouring_steps_are_accepted_but_not_older_ones(world, app):
    user = world.users.speyer
    enrol_totp(user)
    moment = utcnow()
    with app.test_request_context(), frozen_at(moment):
        previous = current_code(user, moment - timedelta(seconds=30))
        stale = current_code(user, moment - timedelta(seconds=90))
        assert totp.check_code(user, stale) == "wrong"
        assert totp.check_code(user, previous) is None


def test_wrong_codes_are_throttled_like_passwords(app, web, world):
    app.config["LOGIN_MAX_ATTEMPTS"] = 3
    user = world.users.speyer
    enrol_totp(user)
    for _ in range(3):
        login_with_code(web, user, "000000")
    response = login_with_code(web, user)  # the right code, but too late
    assert response.status_code == 422
    assert "Zu viele Fehlversuche" in response.get_data(as_text=True)
    assert not is_logged_in(web.client)


def test_the_pending_login_expires(web, world):
    user = world.users.speyer
    enrol_totp(user)
    web.get("/anmelden")
    web.post("/anmelden", {"email": user.email, "password": PASSWORD})
    with frozen_at(utcnow() + timedelta(minutes=6)):
        response = web.get("/anmelden/zweiter-faktor")
    assert response.headers["Location"] == "/anmelden"


def test_enrolment_shows_a_qr_code_and_confirms_with_a_first_code(web, world):
    user = world.users.speyer
    web.login(user)
    page = web.get("/konto/zweiter-faktor/app").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    credential = db.session.scalars(select(TotpCredential)).one()
    secret = totp._secret(credential)
    assert secret not in credential.secret_encrypted  # stored encrypted
    assert credential.confirmed_at is None
    response = web.post("/konto/zweiter-faktor/app", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert "nur jetzt angezeigt" in shown
    db.session.expire_all()
    assert credential.confirmed_at is not None
    codes = db.session.scalars(select(RecoveryCode)).all()
    assert len(codes) == 10
    assert all(c.code_hash not in shown for c in codes)
    assert _row(user).second_factor_method == "totp"


def test_enrolment_refuses_a_wrong_first_code(web, world):
    web.login(world.users.speyer)
    web.get("/konto/zweiter-faktor/app")
    response = web.post("/konto/zweiter-faktor/app", {"code": "123456"})
    assert response.status_code in (422, 200)
    assert not totp.enrolled(world.users.speyer)


def test_a_recovery_code_logs_in_once(make_web, world):
    user = world.users.speyer
    codes = enrol_totp(user)
    for attempt, expected in ((1, 302), (2, 422)):
        web = make_web()
        web.get("/anmelden")
        web.post("/anmelden", {"email": user.email, "password": PASSWORD})
        web.get("/anmelden/zweiter-faktor/wiederherstellungscode")
        response = web.post(
            "/anmelden/zweiter-faktor/wiederherstellungscode", {"code": codes[0].lower()}
        )
        assert response.status_code == expected, attempt
        if attempt == 1:  # the login's fresh session keeps the warning: how many are left
            page = web.get(response.headers["Location"], follow_redirects=True)
            page = page.get_data(as_text=True)
            assert "Sie haben noch 9 Codes" in page
    assert _row(user).second_factor_method == "recovery"
    db.session.expire_all()
    assert sum(c.used_at is not None for c in db.session.scalars(select(RecoveryCode))) == 1


def test_regenerating_recovery_codes_voids_the_old_ones(web, world):
    user = world.users.speyer
    old = enrol_totp(user)
    login_with_code(web, user)
    web.get("/konto/zweiter-faktor")
    response = web.post("/konto/zweiter-faktor/wiederherstellungscodes")
    assert response.status_code == 200
    from antrag.accounts import recovery

    with world_request():
        assert recovery.use(user, old[1]) == "wrong"


def world_request():
    from flask import current_app

    return current_app.test_request_context()


def test_a_role_that_must_have_a_second_factor_is_held_at_the_enrolment(client, world):
    from conftest import WebClient

    web = WebClient(client)
    web.get("/anmelden")
    response = web.post("/anmelden", {"email": world.users.reviewer.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    held = web.get("/pruefung/")
    assert held.status_code == 302 and held.headers["Location"] == "/konto/zweiter-faktor"
    assert web.get("/konto/zweiter-faktor").status_code == 200
    assert web.get("/konto/zweiter-faktor/app").status_code == 200


def test_roles_are_configurable(app, client, world):
    from conftest import WebClient

    app.config["SECOND_FACTOR_ROLES"] = ("applicant",)
    web = WebClient(client)
    web.login(world.users.reviewer)
    assert web.get("/pruefung/").status_code == 200
    other = WebClient(app.test_client())
    other.get("/anmelden")
    other.post("/anmelden", {"email": world.users.speyer.email, "password": PASSWORD})
    assert other.get("/antraege/").headers["Location"] == "/konto/zweiter-faktor"


def test_the_default_test_login_passes_the_factor_through_the_session_row(web, world):
    web.login(world.users.reviewer)
    assert web.get("/pruefung/").status_code == 200
    assert _row(world.users.reviewer).second_factor_method == "test"
