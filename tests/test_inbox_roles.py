"""The city's and the mentor's inbox, the digest, and who may use the inbox's routes."""

from datetime import datetime

import pytest
from funding_support import final_notice, issued_notice, proof_of
from sqlalchemy import select

from antrag.clock import frozen_at, now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.inbox.digest import send_digests
from antrag.inbox.models import DigestSent, TaskClaim
from antrag.mail.models import OutboxMessage


def _digests(email=None):
    stmt = select(OutboxMessage).where(OutboxMessage.template == "inbox_digest")
    if email:
        stmt = stmt.where(OutboxMessage.recipient == email)
    return list(db.session.scalars(stmt))


def test_city_sees_its_notice_to_waive_and_not_another_citys(world, make_application, make_web):
    issued_notice(make_application, world)  # Speyer's notice, waiting for its waiver
    make_application("changes_requested", municipality=world.andernach)
    speyer = make_web(world.users.speyer).get("/eingang/").get_data(as_text=True)
    assert "Förderbescheid" in speyer and "Andernach" not in speyer
    andernach = make_web(world.users.andernach).get("/eingang/").get_data(as_text=True)
    assert "Andernach" in andernach and "Förderbescheid" not in andernach


def test_city_follows_its_call_off_and_sees_its_proof_due(world, make_application, make_web):
    from decimal import Decimal

    from antrag.funding.operations import request_call_off

    notice = final_notice(make_application, world)
    request_call_off(world.users.speyer, notice, Decimal("1000.00"), None)
    db.session.commit()
    assert proof_of(notice).case.state == "due"
    page = make_web(world.users.speyer).get("/eingang/").get_data(as_text=True)
    tasks, following = page.split("In Bearbeitung beim Ministerium")
    assert "Verwendungsnachweis" in tasks
    assert "Mittelabruf" in following and "Angefordert" in following
    # the ministry's own list shows the call-off to check, not the city's proof to write
    reviewer = make_web(world.users.reviewer).get("/eingang/").get_data(as_text=True)
    assert "Mittelabruf" in reviewer and "Abruf als geprüft zeichnen" in reviewer


def test_mentor_sees_own_proposal_with_its_answer_deadline(world, make_application, make_web):
    from antrag.mentoring.models import MentoringAssignment

    world.users.mentor.mentor_capacity = 2
    db.session.commit()
    make_application("approved")
    assignment = db.session.scalar(select(MentoringAssignment))
    assert assignment is not None and assignment.mentor_id == world.users.mentor.id
    page = make_web(world.users.mentor).get("/eingang/").get_data(as_text=True)
    assert "Speyer" in page
    assert assignment.case.due_at.astimezone(BERLIN).strftime("%d.%m.%Y") in page


def test_digest_once_per_person_and_day_and_opt_out(world, make_application, app):
    make_application("submitted", municipality=world.andernach)
    world.users.reviewer2.digest_opt_out = True
    db.session.commit()
    moment = now()
    send_digests(moment)
    sent = _digests(world.users.reviewer.email)
    assert len(sent) == 1
    assert "Andernach" in sent[0].body and "http://" in sent[0].body
    assert "/eingang/" in sent[0].body
    assert _digests(world.users.reviewer2.email) == []
    send_digests(moment)  # the second tick of the day
    assert len(_digests(world.users.reviewer.email)) == 1
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(DigestSent)
            .where(DigestSent.user_id == world.users.reviewer.id)
        )
        == 1
    )


def test_digest_reports_the_overdue_and_escalated(world, make_application):
    application = make_application("submitted")
    application.case.due_at = datetime(2027, 5, 25, 21, 59, 59, tzinfo=BERLIN)
    world.users.reviewer.lead = True
    db.session.commit()
    with frozen_at(datetime(2027, 6, 2, 7, tzinfo=BERLIN)):
        send_digests(now())
    (mail,) = _digests(world.users.reviewer.email)
    assert "Überfällig:" in mail.body and "Eskaliert" in mail.body
    (other,) = _digests(world.users.reviewer2.email)
    assert "Überfällig:" in other.body and "Eskaliert" not in other.body


def test_the_tick_command_queues_the_digest(world, make_application, runner):
    make_application("submitted")
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "daily digest(s) queued" in result.output
    assert len(_digests(world.users.reviewer.email)) == 1


def test_opt_out_on_the_account_page(world, make_web):
    web = make_web(world.users.speyer)
    assert web.get("/konto/benachrichtigungen").status_code == 200
    assert web.post("/konto/benachrichtigungen", {}).status_code == 302
    db.session.refresh(world.users.speyer)
    assert world.users.speyer.digest_opt_out is True
    web.post("/konto/benachrichtigungen", {"digest": "y"})
    db.session.refresh(world.users.speyer)
    assert world.users.speyer.digest_opt_out is False


ROLES = ("anonymous", "own_city", "reviewer", "mentor", "admin")
#               anon own  rev  ment adm
CLAIM_TABLE = (302, 403, 302, 403, 403)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, CLAIM_TABLE, strict=True)))
@pytest.mark.parametrize("action", ["uebernehmen", "freigeben", "weitergeben"])
def test_only_reviewers_claim(world, make_application, make_web, role, expected, action):
    users = {"anonymous": None, "own_city": world.users.speyer, "reviewer": world.users.reviewer,
             "mentor": world.users.mentor, "admin": world.users.admin}  # fmt: skip
    case_id = make_application("submitted").case_id
    web = make_web(users[role])
    web.get("/anmelden")
    response = web.post(
        f"/eingang/aufgaben/{case_id}/{action}", {"holder": world.users.reviewer2.id}
    )
    assert response.status_code == expected
    held = db.session.scalar(select(TaskClaim.holder_id).where(TaskClaim.case_id == case_id))
    if role == "reviewer" and action != "freigeben":
        assert held is not None
    else:
        assert held is None


def test_city_inbox_queries_do_not_grow_with_its_call_offs(world, make_application, make_web):
    from decimal import Decimal

    from sql_support import counted_statements

    from antrag.funding.operations import request_call_off

    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    counts = []
    for _ in range(2):
        for _ in range(3):
            request_call_off(world.users.speyer, notice, Decimal("100.00"), None)
        db.session.commit()
        with counted_statements() as statements:
            assert web.get("/eingang/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_city_inbox_offers_the_call_off_while_funds_are_left(world, make_application, make_web):
    from decimal import Decimal

    from antrag.funding.operations import request_call_off

    notice = final_notice(make_application, world)
    web = make_web(world.users.speyer)
    link = f'href="/bescheide/{notice.id}#mittel-abrufen">Mittel abrufen</a>'
    assert link in web.get("/eingang/").get_data(as_text=True)
    assert link not in make_web(world.users.andernach).get("/eingang/").get_data(as_text=True)
    request_call_off(world.users.speyer, notice, notice.amount - Decimal("0.01"), None)
    db.session.commit()
    assert link in web.get("/eingang/").get_data(as_text=True)  # one cent is left
    request_call_off(world.users.speyer, notice, Decimal("0.01"), None)
    db.session.commit()
    assert link not in web.get("/eingang/").get_data(as_text=True)


def test_inbox_rows_lead_to_the_steps_on_the_case_page(world, make_application, make_web):
    application = make_application("submitted")
    page = make_web(world.users.reviewer).get("/eingang/").get_data(as_text=True)
    assert f'href="/antraege/{application.id}#schritte">' in page
    case_page = make_web(world.users.reviewer).get(f"/antraege/{application.id}")
    assert case_page.get_data(as_text=True).count('id="schritte"') == 1
