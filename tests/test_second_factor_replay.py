"""A used second-factor code presented again: refused, logged, and the holder is mailed once
per time step (OWASP ASVS 4.0.3 V2.8.5; antrag/accounts/totp_replay.py)."""

from datetime import timedelta

import pytest
from api_support import Api, token_for
from funding_support import notice_of
from second_factor_support import current_code, enrol_totp, login_with_code
from security_support import events
from sqlalchemy import select

from antrag.accounts.step_up import API_HEADER
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.mail.models import OutboxMessage

TEMPLATE = "second_factor_replayed"


def _mails(user) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.template == TEMPLATE, OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.id)
    ).all()


def test_a_replayed_code_mails_the_holder_once_per_step(make_web, world, caplog):
    user = world.users.speyer
    enrol_totp(user)
    moment = utcnow()
    with frozen_at(moment):
        code = current_code(user)
        assert login_with_code(make_web(), user, code).status_code == 302
        assert _mails(user) == []  # a code used once is no reason to write
        for _ in range(3):
            assert login_with_code(make_web(), user, code).status_code == 422

    [mail] = _mails(user)
    assert mail.recipient_name == user.name and mail.status == "pending"
    assert "bereits verwendet" in mail.subject
    assert user.email in mail.body and "/konto/zweiter-faktor" in mail.body
    assert code not in mail.body  # the mail never names the code
    reasons = [e.get("reason") for e in events(caplog, "second_factor")]
    assert reasons.count("replayed") == 3  # every attempt is logged, one mail is written
    assert len(events(caplog, "second_factor_replay_notified")) == 1

    with frozen_at(moment + timedelta(seconds=30)):
        following = current_code(user)
        assert login_with_code(make_web(), user, following).status_code == 302
        assert login_with_code(make_web(), user, following).status_code == 422
    assert len(_mails(user)) == 2  # a new step, a new mail


def test_a_wrong_code_mails_nobody(make_web, world):
    user = world.users.speyer
    enrol_totp(user)
    assert login_with_code(make_web(), user, "000000").status_code == 422
    assert _mails(user) == []


@pytest.fixture
def notice(make_application, world):
    """A funding notice ready to be signed by a reviewer with signing authority."""
    found = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    return found


def test_a_replayed_api_step_up_code_mails_although_the_request_rolls_back(
    client, make_web, world, notice
):
    user = world.users.reviewer
    enrol_totp(user)
    api = Api(client, token_for(user))
    path = f"/funding-notices/{notice.id}/transitions"
    moment = utcnow()
    with frozen_at(moment):
        code = current_code(user)
        assert login_with_code(make_web(), user, code).status_code == 302
        for _ in range(2):
            refused = api.open(
                "POST", path, json={"trigger": "issue", "version": 1}, headers={API_HEADER: code}
            )
            assert refused.status_code == 401
            assert "bereits verwendet" in refused.get_json()["detail"]

    assert len(_mails(user)) == 1
    db.session.expire_all()
    assert notice.case.state == "drafted"
