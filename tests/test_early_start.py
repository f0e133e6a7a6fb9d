"""Early start (vorzeitiger Maßnahmebeginn) and the funding period that starts with the notice."""

from datetime import date, timedelta

import pytest
from engine_support import fire
from funding_support import act, notice_of

from antrag.applications.rules import missing_parts
from antrag.clock import now
from antrag.engine import GuardRefused
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.mail.models import OutboxMessage


def _today() -> date:
    return now().astimezone(BERLIN).date()


def _begun(application, days_ago=10):
    """Let the first project start before today."""
    application.projects[0].period_start = _today() - timedelta(days=days_ago)
    db.session.flush()


def _request_early_start(application):
    application.early_start_requested = True
    application.early_start_reason = "Der Auftrag muss vor der Pflanzsaison vergeben werden."
    db.session.flush()


def test_submit_refuses_a_begun_project_without_an_early_start_request(make_application, world):
    application = make_application("draft")
    _begun(application)

    with pytest.raises(GuardRefused) as refused:
        fire(application, "submit", world.users.speyer, comment=None)

    assert refused.value.guard == "early_start_requested_if_begun"
    assert "„Digitales Bürgerbüro“" in refused.value.message
    assert "vorzeitigen Maßnahmebeginn" in refused.value.message


def test_resubmit_refuses_a_project_that_began_meanwhile(make_application, world):
    application = make_application("changes_requested")
    _begun(application, days_ago=1)

    with pytest.raises(GuardRefused) as refused:
        fire(application, "resubmit", world.users.speyer, comment=None)

    assert refused.value.guard == "early_start_requested_if_begun"


def test_a_project_starting_today_needs_no_early_start(make_application, world):
    application = make_application("draft")
    _begun(application, days_ago=0)

    fire(application, "submit", world.users.speyer, comment=None)

    assert application.case.state == "submitted"


def test_a_requested_early_start_needs_its_reason_not_the_declaration(make_application):
    application = make_application("draft")
    application.declaration_no_early_start = False
    application.early_start_requested = True

    assert "Begründung des vorzeitigen Maßnahmebeginns" in missing_parts(application)
    application.early_start_reason = "Eilig."
    assert missing_parts(application) == []


def test_without_a_request_the_declaration_stays_required(make_application):
    application = make_application("draft")
    application.declaration_no_early_start = False

    assert "Erklärung: kein vorzeitiger Maßnahmebeginn" in missing_parts(application)


def test_approval_needs_the_early_start_approved(make_application, world):
    application = make_application("draft")
    _begun(application)
    _request_early_start(application)
    fire(application, "submit", world.users.speyer, comment=None)
    fire(application, "start_review", world.users.reviewer, comment=None)

    with pytest.raises(GuardRefused) as refused:
        fire(application, "propose_approval", world.users.reviewer)

    assert refused.value.guard == "early_start_approved_if_begun"
    assert "vor dem Förderbescheid" in refused.value.message


def test_the_ministry_approves_the_early_start_in_review(make_application, world):
    application = make_application("draft")
    _begun(application)
    _request_early_start(application)
    fire(application, "submit", world.users.speyer, comment=None)
    fire(application, "start_review", world.users.reviewer, comment=None)
    version = application.case.version

    fire(application, "approve_early_start", world.users.reviewer, comment="Zugelassen.")

    assert application.case.state == "in_review" and application.case.version == version + 1
    assert application.early_start_approved is True
    assert application.early_start_decided_on == _today()
    assert application.case.history[-1].trigger == "approve_early_start"
    mail = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.template == "early_start_decided")
    ).one()
    assert "zugelassen" in mail.subject and mail.recipient == world.users.speyer.email
    fire(application, "propose_approval", world.users.reviewer)
    fire(application, "approve", world.users.reviewer2)
    assert application.case.state == "approved"


def test_a_refused_early_start_blocks_approval_and_needs_a_reason(make_application, world):
    application = make_application("draft")
    _begun(application)
    _request_early_start(application)
    fire(application, "submit", world.users.speyer, comment=None)
    fire(application, "start_review", world.users.reviewer, comment=None)

    fire(application, "refuse_early_start", world.users.reviewer, comment="Nicht eilbedürftig.")

    assert application.early_start_approved is False
    with pytest.raises(GuardRefused) as refused:
        fire(application, "propose_approval", world.users.reviewer)
    assert refused.value.guard == "early_start_approved_if_begun"


def test_an_early_start_is_decided_once_and_only_when_requested(make_application, world):
    application = make_application("in_review")

    with pytest.raises(GuardRefused) as refused:
        fire(application, "approve_early_start", world.users.reviewer)

    assert refused.value.guard == "early_start_pending"


def test_a_drafted_notice_has_no_period_start_until_it_is_issued(make_application, world):
    notice = notice_of(make_application("approved"))

    assert notice.period_start is None and notice.period_end >= _today()
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(notice, "issue", world.users.reviewer)

    assert notice.period_start == _today()
    assert notice.period_end >= notice.period_start


def test_an_approved_early_start_lets_the_period_begin_with_the_earliest_project(
    make_application, world
):
    application = make_application("draft")
    _request_early_start(application)
    fire(application, "submit", world.users.speyer, comment=None)
    fire(application, "start_review", world.users.reviewer, comment=None)
    fire(application, "approve_early_start", world.users.reviewer, comment=None)
    fire(application, "propose_approval", world.users.reviewer)
    fire(application, "approve", world.users.reviewer2)
    early = _today() - timedelta(days=5)
    application.projects[0].period_start = early  # begun meanwhile, as allowed
    application.early_start_decided_on = _today() - timedelta(days=8)  # consent came first
    world.users.reviewer.can_sign = True
    db.session.commit()
    notice = notice_of(application)

    act(notice, "issue", world.users.reviewer)

    assert notice.period_start == early


@pytest.mark.parametrize(("not_before_consent", "days_ago"), [(True, 3), (False, 5)])
def test_the_period_starts_no_earlier_than_the_consent_if_so_configured(
    app, make_application, world, not_before_consent, days_ago
):
    app.config["EARLY_START_NOT_BEFORE_CONSENT"] = not_before_consent
    application = make_application("draft")
    _request_early_start(application)
    fire(application, "submit", world.users.speyer, comment=None)
    fire(application, "start_review", world.users.reviewer, comment=None)
    fire(application, "approve_early_start", world.users.reviewer, comment=None)
    fire(application, "propose_approval", world.users.reviewer)
    fire(application, "approve", world.users.reviewer2)
    application.projects[0].period_start = _today() - timedelta(days=5)
    application.early_start_decided_on = _today() - timedelta(days=3)
    world.users.reviewer.can_sign = True
    db.session.commit()
    notice = notice_of(application)

    act(notice, "issue", world.users.reviewer)

    assert notice.period_start == _today() - timedelta(days=days_ago)


def test_the_draft_notice_page_says_the_period_starts_with_the_notice(
    make_application, make_web, world
):
    notice = notice_of(make_application("approved"))

    page = make_web(world.users.reviewer).get(f"/bescheide/{notice.id}")

    assert "ab Bekanntgabe des Bescheids" in page.get_data(as_text=True)
