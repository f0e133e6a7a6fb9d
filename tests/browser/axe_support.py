"""Run axe-core (from npm, see package.json) on a page, report its violations; the pages' data."""

import os
import shutil
import sqlite3
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from antrag.api.tokens import create_token
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.funding.operations import request_call_off
from antrag.mentoring.models import MentoringAssignment
from antrag.programme.models import Round

from .conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0 and 2.1, levels A and AA (what BITV 2.0 requires), plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source() -> str:
    """Return axe-core's source; skip without it, but fail in CI where it must be installed."""
    if AXE_PATH.is_file():
        return AXE_PATH.read_text(encoding="utf-8")
    if shutil.which("node") is None or shutil.which("npm") is None:
        reason = "node/npm not found; install Debian's nodejs and npm to run axe-core checks"
    else:
        reason = f"axe-core not installed ({AXE_PATH} missing); run `npm ci` in {ROOT}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def run_axe(page, source: str) -> list[dict]:
    """Return axe's violations on the page's current document.

    axe is injected with `page.evaluate`, which runs through the DevTools protocol and so is
    not subject to the page's Content-Security-Policy. A `<script>` tag would be refused by
    the CSP, and a context with `bypass_csp=True` would also let inline styles through that
    real users' browsers refuse, so the page would no longer look (or contrast) as tested.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {source}\n}}")
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return results["violations"]


# Every field error is tied to its field (or the field's group) with aria-describedby, and
# every field marked invalid is described by its error message.
UNTIED_ERRORS = """() => {
  const problems = [];
  const describes = (el, id) => el && (el.getAttribute("aria-describedby") || "")
    .split(/\\s+/).includes(id);
  for (const message of document.querySelectorAll(".error-message")) {
    const tied = message.id && [...document.querySelectorAll("[aria-describedby]")]
      .some(el => describes(el, message.id));
    if (!tied) problems.push("error message tied to no field: " + message.textContent.trim());
  }
  for (const field of document.querySelectorAll("[aria-invalid=true]")) {
    const ids = [field, field.closest("fieldset")].flatMap(
      el => el ? (el.getAttribute("aria-describedby") || "").split(/\\s+/) : []);
    if (!ids.some(id => document.getElementById(id)?.classList.contains("error-message")))
      problems.push("invalid field without its error message: #" + (field.id || field.name));
  }
  return problems;
}"""


def untied_errors(page) -> list[str]:
    """Return the field errors of the page that assistive technology cannot find."""
    return page.evaluate(UNTIED_ERRORS)


def describe(violations: list[dict]) -> str:
    """Return the violations as readable lines: rule, impact, targets, help and its URL."""
    lines = []
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"      at {target}: {node['failureSummary'].splitlines()[-1].strip()}")
        if len(violation["nodes"]) > 10:
            lines.append(f"      … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def _add_failing_routes(app) -> None:
    """Routes that fail as a crash and as a busy database do, for the 500 and 503 pages."""

    @app.route("/_a11y/500")
    def _crash():
        raise RuntimeError("a11y test")

    @app.route("/_a11y/503")
    def _busy():
        raise OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))


def build_scene(app, world, make_application) -> dict:
    """Give every checked page content and return the ids by name.

    A final notice with a call-off and a proof of use, a mentoring proposal, a case in
    review, a proposal to co-sign, a draft in a second round, an API token, and routes that
    fail.
    """
    from funding_support import final_notice, proof_of

    world.users.mentor.mentor_capacity, world.users.mentor.mentor_topics = 2, "verwaltung"
    db.session.commit()
    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, Decimal("30000.00"), "Erste Rate")
    create_token(world.users.speyer, "Fachverfahren Haushalt")
    today = utcnow().date()
    second = Round(
        programme=world.programme,
        name="Zweite Runde",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=60),
        budget=Decimal("121500.00"),
        standard_amount=Decimal("60750.00"),
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        eligibility="invited",
        invited=[world.speyer, world.andernach],
    )
    db.session.add(second)
    db.session.commit()
    draft = make_application("draft", complete=False, round_=second)
    in_review = make_application("in_review", municipality=world.andernach)
    proposed = make_application("proposed_approval", municipality=world.andernach, round_=second)
    assignment = db.session.scalar(
        select(MentoringAssignment).filter_by(application_id=notice.application_id)
    )
    from conftest import extra_round

    from antrag.notices.rejection_rules import rejection_notice_of

    rejected = make_application("rejected", round_=extra_round(world, "Dritte Runde"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    _add_failing_routes(app)
    return {
        "rejection": rejection_notice_of(rejected).id,
        "approved": notice.application_id,
        "notice": notice.id,
        "call_off": call_off.id,
        "proof": proof_of(notice).id,
        "assignment": assignment.id,
        "draft": draft.id,
        "in_review": in_review.id,
        "proposed": proposed.id,
        "round": world.round.id,
        "programme": world.programme.id,
        "speyer_user": world.users.speyer.id,
    }


def build_network_scene(world, ids: dict) -> dict:
    """Add the network's public side: a shared project, meetings, a lead and an invitation."""
    from antrag.accounts.access_requests import request_access
    from antrag.accounts.invitations import invite_applicant
    from antrag.applications.models import Application
    from antrag.meetings.operations import create_meeting, register
    from antrag.network.operations import record_feedback, set_sharing

    project = db.session.get(Application, ids["approved"]).projects[0]
    set_sharing(
        world.users.speyer,
        project,
        shared=True,
        summary="Termine online buchen, Anträge digital stellen.",
        contact_email="digital@speyer.de",
    )
    now = utcnow()
    meetings = [
        create_meeting(
            world.users.reviewer,
            title=title,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=6),
            place="Rathaus Speyer, Maximilianstraße 12, 67346 Speyer",
            agenda="Begrüßung\nBerichte aus den Kommunen",
            capacity=2,
        )
        for title, days in [("2. Netzwerktreffen", 14), ("1. Netzwerktreffen", -200)]
    ]
    _, cancel_token = register(
        meetings[0],
        name="Paula Pirmasens",
        municipality_id=world.pirmasens.id,
        email="paula@pirmasens.de",
        persons=2,
        interested_in_joining=True,
    )
    _, invitation = invite_applicant(
        email="neu@andernach.de",
        name="Nina Neu",
        municipality=world.andernach,
        actor=world.users.admin,
    )
    # A stranger's account for Speyer from a lead, waiting for confirmation (role `pending`).
    pending, access_request, _ = request_access(
        email="fremd@example.org",
        name="Fremde Person",
        municipality=world.speyer,
        actor=world.users.reviewer,
    )
    pending.set_password(PASSWORD)
    world.users.pending = pending
    record_feedback(
        None,
        page_url="/mitglieder/",
        description="Der Filter lässt sich mit dem Bildschirmleser nicht bedienen.",
        name="Erika Muster",
        email="erika@example.org",
    )
    db.session.commit()
    return ids | {
        "project": project.id,
        "meeting": meetings[0].id,
        "past_meeting": meetings[1].id,
        "cancel_token": cancel_token,
        "invitation": invitation,
        "access_request": access_request.id,
        "ags": world.speyer.ags,
    }
