"""Step-up: signing, releasing and deciding need a second factor passed recently."""

from datetime import timedelta

import pytest
from api_support import Api, assert_problem, token_for
from funding_support import notice_of
from second_factor_support import current_code, enrol_totp, login_with_code
from security_support import events

from antrag.accounts.factor_models import TotpCredential
from antrag.accounts.step_up import API_HEADER
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.engine.policy import needs_step_up
from antrag.engine.workflows import workflows
from antrag.extensions import db


@pytest.fixture
def notice(make_application, world):
    """A funding notice ready to be signed by a reviewer with signing authority."""
    found = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    return found


def _issue(web, notice, **extra):
    web.get(f"/bescheide/{notice.id}")
    return web.post(f"/bescheide/{notice.id}/aktion", {"trigger": "issue", "version": "1", **extra})


def _state(notice) -> str:
    db.session.expire_all()
    return notice.case.state


@pytest.mark.parametrize(
    ("workflow", "trigger"),
    [
        ("funding_notice", "issue"),
        ("rejection_notice", "issue_electronically"),
        ("amendment_notice", "issue"),
        ("reclaim", "issue"),
        ("reclaim", "decide"),
        ("reclaim", "drop"),
        ("call_off", "release"),
    ],
)
def test_policy_names_signing_releasing_and_deciding(app, workflow, trigger):
    definition = workflows().current(workflow)
    assert needs_step_up(definition, definition.transition(trigger))


def test_checking_a_call_off_needs_no_step_up(app):
    definition = workflows().current("call_off")
    assert not needs_step_up(definition, definition.transition("check"))


def test_a_signer_without_a_second_factor_cannot_sign(app, make_web, world, notice):
    app.config["SECOND_FACTOR_ROLES"] = ()  # logged in with the password alone
    web = make_web(world.users.reviewer)
    response = _issue(web, notice)
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/zweiter-faktor"
    assert _state(notice) == "drafted"


def test_signing_right_after_the_login_with_the_app_needs_no_step_up(make_web, world, notice):
    enrol_totp(world.users.reviewer)
    web = make_web()
    login_with_code(web, world.users.reviewer)
    assert _issue(web, notice).status_code == 302
    assert _state(notice) == "issued"


def test_an_old_second_factor_leads_to_the_step_up_and_back_with_the_form(
    make_web, world, notice, caplog
):
    user = world.users.reviewer
    enrol_totp(user)
    web = make_web()
    login_with_code(web, user)
    later = utcnow() + timedelta(minutes=16)
    with frozen_at(later):
        refused = _issue(web, notice, input_posted_on="")
        assert refused.status_code == 302
        assert refused.headers["Location"].startswith("/anmelden/zweiter-faktor")
        assert _state(notice) == "drafted"
        page = web.get(refused.headers["Location"]).get_data(as_text=True)
        assert "Aktion bestätigen" in page
        assert 'name="trigger" value="issue"' in page  # the form waits in the page
        assert 'name="input_posted_on" value=""' in page
        done = web.post(
            refused.headers["Location"],
            {"code": current_code(user), "trigger": "issue", "version": "1"},
        )
        assert done.status_code == 307
        assert done.headers["Location"] == f"/bescheide/{notice.id}/aktion"
        repeated = web.post(
            done.headers["Location"], {"code": "x", "trigger": "issue", "version": "1"}
        )
    assert repeated.status_code == 302
    assert _state(notice) == "issued"
    assert [e["outcome"] for e in events(caplog, "step_up")] == ["required"]


def test_the_step_up_window_is_configurable(app, make_web, world, notice):
    app.config["SECOND_FACTOR_STEP_UP_MINUTES"] = 20
    user = world.users.reviewer
    enrol_totp(user)
    web = make_web()
    login_with_code(web, user)
    with frozen_at(utcnow() + timedelta(minutes=18)):
        assert _issue(web, notice).status_code == 302
    assert _state(notice) == "issued"


def test_a_wrong_step_up_code_keeps_the_form_and_refuses(make_web, world, notice):
    user = world.users.reviewer
    enrol_totp(user)
    web = make_web()
    login_with_code(web, user)
    with frozen_at(utcnow() + timedelta(minutes=20)):
        refused = _issue(web, notice)
        web.get(refused.headers["Location"])
        wrong = web.post(refused.headers["Location"], {"code": "000000"})
        assert wrong.status_code == 422
        assert 'name="trigger" value="issue"' in wrong.get_data(as_text=True)
    assert _state(notice) == "drafted"


def test_the_api_asks_for_the_apps_code(client, world, notice):
    user = world.users.reviewer
    api = Api(client, token_for(user))
    path = f"/funding-notices/{notice.id}"
    missing = assert_problem(api.fire(path, "issue", 1), 403, "second_factor_missing")
    assert "Authenticator-App" in missing["detail"]
    enrol_totp(user)
    needed = assert_problem(api.fire(path, "issue", 1), 401, "second_factor_required")
    assert API_HEADER in needed["detail"]
    wrong = api.open(
        "POST",
        f"{path}/transitions",
        json={"trigger": "issue", "version": 1},
        headers={API_HEADER: "000000"},
    )
    assert_problem(wrong, 401, "second_factor_required")
    assert _state(notice) == "drafted"
    code = current_code(user)
    ok = api.open(
        "POST",
        f"{path}/transitions",
        json={"trigger": "issue", "version": 1},
        headers={API_HEADER: code},
    )
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert _state(notice) == "issued"
    db.session.expire_all()
    assert db.session.query(TotpCredential).one().last_step > 0


def test_a_wrong_api_code_counts_towards_the_throttle(app, client, world, notice):
    from antrag.accounts.models import LoginAttempt

    user = world.users.reviewer
    enrol_totp(user)
    api = Api(client, token_for(user))
    api.open(
        "POST",
        f"/funding-notices/{notice.id}/transitions",
        json={"trigger": "issue", "version": 1},
        headers={API_HEADER: "000000"},
    )
    db.session.expire_all()
    failures = db.session.query(LoginAttempt).filter_by(success=False).all()
    assert [a.email_normalised for a in failures] == [f"second-factor:{user.id}"]
