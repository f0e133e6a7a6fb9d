"""Each role's daily step from its inbox, counted in page actions, in a real headless Chromium.

A page action is a click or key press that loads a page or sends a form: counted as the
navigations of the page's main frame from the moment the person sits on the inbox (after
login). The bounds are the acceptance of issue 15: a co-signer approves, a signer issues a
notice, a city waives its right of appeal or calls off funds, a mentor accepts a mentoring,
each in at most two page actions. No rule is eased for it: the co-signer is a second
reviewer, the signer has signing authority, and both passed their second factor at login.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from antrag.extensions import db

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]

BOUND = 2


class PageActions:
    """Counts the loads of the page's main frame (a followed link, a sent form) from `start`."""

    def __init__(self, page):
        self.page, self.count, self.urls = page, 0, []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.count += 1
            self.urls.append(frame.url)

    def start(self) -> None:
        """Count from now on (the person is on the inbox)."""
        self.count, self.urls = 0, []

    def assert_within(self, bound: int = BOUND) -> None:
        assert 0 < self.count <= bound, f"{self.count} page actions: {self.urls}"


def open_inbox(page, server, email: str) -> PageActions:
    """Log in, open the inbox, and return the counter, started there."""
    log_in(page, server, email)
    page.goto(f"{server.url}/eingang/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Eingang")
    actions = PageActions(page)
    actions.start()
    return actions


def inbox_row(page, what: str):
    """Return the link of the inbox row that asks for `what`."""
    return page.get_by_role("row").get_by_role("link", name=what, exact=True)


def follow_row(page, what: str, anchor: str = "schritte") -> None:
    """Follow the inbox row that asks for `what`: it leads to the page's form for it."""
    inbox_row(page, what).press("Enter")
    expect(page).to_have_url(re.compile(f"#{anchor}$"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()


def act_from_row(page, actions, action: str, shown: str) -> None:
    """Follow the row asking for `action`, press its button, see `shown`: two page actions."""
    follow_row(page, action)
    page.get_by_role("button", name=action).press("Enter")
    expect(page.locator("main")).to_contain_text(shown)
    actions.assert_within()


def reload_state(subject) -> str:
    db.session.expire_all()
    return subject.case.state


def reconciled(round_) -> list[str]:
    from antrag.funding.ledger import reconcile

    db.session.expire_all()
    return reconcile(round_)


def test_co_signer_approves_a_proposal_from_the_inbox(page, live_server, make_application):
    application = make_application("proposed_approval")  # proposed by `reviewer`
    actions = open_inbox(page, live_server, live_server.users.reviewer2.email)

    act_from_row(page, actions, "Bewilligung mitzeichnen", "Bewilligt")
    assert reload_state(application) == "approved"
    assert reconciled(application.round) == []


def test_signer_issues_a_notice_from_the_inbox(page, live_server, world, make_application):
    from funding_support import notice_of

    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    actions = open_inbox(page, live_server, live_server.users.reviewer.email)

    act_from_row(page, actions, "Bescheid erlassen und per Post versenden", "Erlassen")
    assert reload_state(notice) == "issued"
    assert reconciled(notice.round) == []


def test_city_waives_its_right_of_appeal_from_the_inbox(page, live_server, world, make_application):
    from funding_support import issued_notice

    notice = issued_notice(make_application, world)
    actions = open_inbox(page, live_server, live_server.users.speyer.email)

    follow_row(page, "Auf Rechtsbehelfe verzichten")
    page.get_by_label(re.compile("^Ich gebe diese Erklärung")).check()  # no page action
    page.get_by_role("button", name="Auf Rechtsbehelfe verzichten").press("Enter")

    expect(page.locator("main")).to_contain_text("Bestandskräftig")
    actions.assert_within()
    assert reload_state(notice) == "final"


def test_city_calls_off_funds_from_the_inbox(page, live_server, world, make_application):
    from funding_support import final_notice

    notice = final_notice(make_application, world)
    actions = open_inbox(page, live_server, live_server.users.speyer.email)

    follow_row(page, "Mittel abrufen", anchor="mittel-abrufen")
    page.get_by_label("Betrag in Euro").fill("30.000,00")
    page.get_by_role("button", name="Mittel abrufen", exact=True).press("Enter")

    expect(page.locator("main")).to_contain_text("Mittelabruf wurde an das Ministerium")
    actions.assert_within()
    db.session.expire_all()
    assert [c.amount for c in notice.call_offs] == [Decimal("30000.00")]
    assert reconciled(notice.round) == []


def test_mentor_accepts_a_proposed_mentoring_from_the_inbox(
    page, live_server, world, make_application
):
    from antrag.mentoring.models import MentoringAssignment

    world.users.mentor.mentor_capacity, world.users.mentor.mentor_topics = 2, "verwaltung"
    db.session.commit()
    application = make_application("approved")
    assignment = db.session.scalar(
        db.select(MentoringAssignment).filter_by(application_id=application.id)
    )
    assert assignment.mentor_id == world.users.mentor.id
    actions = open_inbox(page, live_server, live_server.users.mentor.email)

    act_from_row(page, actions, "Mentoring zusagen", "Zugesagt")
    assert reload_state(assignment) == "accepted"
