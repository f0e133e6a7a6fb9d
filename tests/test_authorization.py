"""Who may open what: role × page × own/other city → expected status, as one table."""

import pytest
from conftest import extra_round
from funding_support import act, notice_of

from antrag.extensions import db

# Whether a page opens is decided in Python (`can_view`, roles) after loading by primary
# key: the table runs on SQLite only. The SQL that limits lists to what a role may see runs
# on both databases in tests/test_api_authorization.py (with its row-by-row agreement check).
pytestmark = pytest.mark.database_agnostic

ROLES = ("anonymous", "own_city", "other_city", "reviewer", "mentor", "admin")


def _users(world):
    u = world.users
    return {
        "anonymous": None,
        "own_city": u.speyer,
        "other_city": u.andernach,
        "reviewer": u.reviewer,
        "mentor": u.mentor,
        "admin": u.admin,
    }


def _same(value):
    return value


@pytest.fixture
def objects(app, snapshots, world, make_application):
    """Speyer's submitted application, a draft, and an approved one from an earlier round.

    Built once per test process and copied for each test (tests/snapshots.py).
    """
    return snapshots.reuse(
        app, "authorization.objects", lambda: _objects(world, make_application), _same, _same
    )


def _objects(world, make_application):
    from antrag.programme.models import Round

    earlier = Round(
        programme=world.programme,
        name="Frühere Runde",
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=world.round.budget,
        standard_amount=world.round.standard_amount,
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        invited=[world.speyer],
    )
    db.session.add(earlier)
    approved = make_application("approved", round_=earlier)
    world.users.reviewer.can_sign = True  # the notice is made known: Speyer is listed
    db.session.commit()
    act(notice_of(approved), "issue", world.users.reviewer)
    submitted = make_application("submitted")
    draft = make_application("draft", round_=extra_round(world, "Spätere Runde"))
    return {
        "submitted": submitted.id,
        "submitted_attachment": submitted.council_resolution.id,
        "draft": draft.id,
        "draft_attachment": draft.council_resolution.id,
        "approved": approved.id,
        "approved_project": approved.projects[0].id,
        "draft_project": draft.projects[0].id,
        "reviewer_user": world.users.reviewer.id,
    }


#          page                                          anon own  other rev  ment adm
GET_TABLE = [
    ("/", (200, 302, 302, 302, 302, 302)),
    ("/antraege/", (302, 200, 200, 403, 403, 403)),
    ("/antraege/{submitted}", (302, 200, 404, 200, 404, 404)),
    ("/antraege/{approved}", (302, 200, 404, 200, 404, 404)),
    ("/antraege/{draft}", (302, 200, 404, 404, 404, 404)),
    ("/antraege/{draft}/bearbeiten", (302, 200, 404, 404, 404, 404)),
    ("/antraege/{submitted}/bearbeiten", (302, 302, 404, 403, 404, 404)),
    ("/antraege/{submitted}/anhaenge/{submitted_attachment}", (302, 200, 404, 200, 404, 404)),
    ("/antraege/{draft}/anhaenge/{draft_attachment}", (302, 200, 404, 404, 404, 404)),
    ("/antraege/{submitted}/anhaenge/{draft_attachment}", (302, 404, 404, 404, 404, 404)),
    ("/antraege/{submitted}/fassungen/1/eingangsbestaetigung.pdf", (302, 200, 404, 200, 404, 404)),
    ("/antraege/{approved}/fassungen/1/eingangsbestaetigung.pdf", (302, 200, 404, 200, 404, 404)),
    ("/antraege/{submitted}/fassungen/2/eingangsbestaetigung.pdf", (302, 404, 404, 404, 404, 404)),
    ("/antraege/{draft}/fassungen/1/eingangsbestaetigung.pdf", (302, 404, 404, 404, 404, 404)),
    ("/antraege/999999", (302, 404, 404, 404, 404, 404)),
    ("/pruefung/", (302, 403, 403, 200, 403, 403)),
    ("/suche", (302, 403, 403, 200, 403, 403)),
    ("/suche?q=Speyer", (302, 403, 403, 200, 403, 403)),
    ("/eingang/", (302, 200, 200, 200, 200, 403)),
    ("/eingang/vertretungen", (302, 403, 403, 200, 403, 200)),
    ("/konto/benachrichtigungen", (302, 200, 200, 200, 200, 403)),
    ("/mentoring", (302, 302, 302, 302, 200, 302)),
    ("/verwaltung/", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/konten/", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/konten/neu", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/kommunen/", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/kommunen/neu", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/runden/", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/runden/neu", (302, 403, 403, 403, 403, 200)),
    ("/konto/api-tokens", (302, 200, 200, 200, 200, 200)),
    ("/konto/sicherheitsschluessel", (302, 200, 200, 200, 200, 200)),
    ("/konto/zweiter-faktor", (302, 200, 200, 200, 200, 200)),
    ("/konto/zweiter-faktor/app", (302, 200, 200, 200, 200, 200)),
    ("/anmelden/zweiter-faktor", (302, 200, 200, 200, 200, 200)),
    ("/anmelden/zweiter-faktor/wiederherstellungscode", (302, 200, 200, 200, 200, 200)),
    ("/verwaltung/konten/{reviewer_user}/zweiter-faktor", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/konten/999999/zweiter-faktor", (302, 403, 403, 403, 403, 404)),
    ("/mitglieder/", (200, 200, 200, 200, 200, 200)),
    ("/mitglieder/07318000", (200, 200, 200, 200, 200, 200)),
    ("/mitglieder/07137003", (404, 404, 404, 404, 404, 404)),
    ("/projekte-teilen/", (302, 200, 200, 403, 403, 403)),
    ("/projekte-teilen/{approved_project}", (302, 200, 404, 403, 403, 403)),
    ("/projekte-teilen/{draft_project}", (302, 404, 404, 403, 403, 403)),
    ("/barrierefreiheit", (200, 200, 200, 200, 200, 200)),
    ("/barrierefreiheit/barriere-melden", (200, 200, 200, 200, 200, 200)),
    ("/impressum", (200, 200, 200, 200, 200, 200)),
    ("/datenschutz", (200, 200, 200, 200, 200, 200)),
    ("/verwaltung/barrieremeldungen", (302, 403, 403, 403, 403, 200)),
    ("/netzwerktreffen/", (200, 200, 200, 200, 200, 200)),
    ("/netzwerktreffen/999999", (404, 404, 404, 404, 404, 404)),
    ("/netzwerktreffen/abmelden/unbekannt", (404, 404, 404, 404, 404, 404)),
    ("/konto/einladung/unbekannt", (404, 404, 404, 404, 404, 404)),
    ("/anmelden/dienstkonto/rueckkehr?code=c&state=s", (404, 404, 404, 404, 404, 404)),
    ("/netzwerktreffen/verwaltung/", (302, 403, 403, 200, 403, 200)),
    ("/netzwerktreffen/verwaltung/neu", (302, 403, 403, 200, 403, 200)),
    ("/netzwerktreffen/verwaltung/interessenten", (302, 403, 403, 200, 403, 200)),
    ("/auswertung/", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/export/antraege.csv", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/export/antraege.xlsx", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/export/bescheide.csv", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/export/auszahlungen.xlsx", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/export/unbekannt.csv", (302, 403, 403, 404, 403, 403)),
    ("/auswertung/akten/{submitted}", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/akten/{approved}", (302, 403, 403, 200, 403, 403)),
    ("/auswertung/akten/{draft}", (302, 403, 403, 404, 403, 403)),
    ("/auswertung/akten/999999", (302, 403, 403, 404, 403, 403)),
]
GET_CASES = [
    pytest.param(page, role, expected[i], id=f"GET {page} as {role}")
    for page, expected in GET_TABLE
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("page", "role", "expected"), GET_CASES)
def test_get_pages(make_web, world, objects, page, role, expected):
    web = make_web(_users(world)[role])
    response = web.get(page.format(**objects))
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert "/anmelden" in response.headers["Location"]


# Firing "start_review" on Speyer's submitted application: only a reviewer may.
ACT_TABLE = (302, 403, 404, 302, 404, 404)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ACT_TABLE, strict=True)))
def test_post_action(make_web, world, objects, role, expected):
    from antrag.applications.models import Application

    application = db.session.get(Application, objects["submitted"])
    web = make_web(_users(world)[role])
    web.get("/anmelden")
    response = web.post(
        f"/antraege/{application.id}/aktion",
        {"trigger": "start_review", "version": application.case.version},
    )
    assert response.status_code == expected
    db.session.expire_all()
    moved = db.session.get(Application, objects["submitted"]).case.state == "in_review"
    assert moved == (role == "reviewer")


# Saving the draft form of Speyer: only Speyer's own officer may.
EDIT_TABLE = (302, 302, 404, 404, 404, 404)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, EDIT_TABLE, strict=True)))
def test_post_edit(make_web, world, objects, role, expected):
    from antrag.applications.models import Application

    application = db.session.get(Application, objects["draft"])
    web = make_web(_users(world)[role])
    web.get("/anmelden")
    response = web.post(
        f"/antraege/{application.id}/bearbeiten",
        {"version": application.case.version, "contact_name": "Eingeschleust"},
    )
    assert response.status_code == expected
    db.session.expire_all()
    saved = db.session.get(Application, objects["draft"]).contact_name == "Eingeschleust"
    assert saved == (role == "own_city")


@pytest.mark.parametrize("role", ["reviewer", "mentor", "admin"])
def test_only_applicants_create_applications(make_web, world, role):
    web = make_web(_users(world)[role])
    web.get("/anmelden")
    response = web.post("/antraege/neu", {"round_id": world.round.id})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "own_city", "mentor", "admin"])
def test_only_reviewers_import_payment_confirmations(make_web, world, role):
    web = make_web(_users(world)[role])
    web.get("/anmelden")
    response = web.post("/zahlungen/bestaetigungen", {})
    assert response.status_code == (302 if role == "anonymous" else 403)


@pytest.mark.parametrize(
    "path",
    [
        "/antraege/neu",
        "/abmelden",
        "/konto/api-tokens",
        "/konto/sicherheitsschluessel/optionen",
        "/zahlungen/bestaetigungen",
        "/konto/zweiter-faktor/wiederherstellungscodes",
        "/anmelden/zweiter-faktor",
    ],
)
def test_posts_without_csrf_token_are_refused(make_web, world, path):
    web = make_web(world.users.reviewer if path.startswith("/zahlungen") else world.users.speyer)
    response = web.post(path, {"round_id": world.round.id}, csrf=False)
    assert response.status_code == 400


@pytest.fixture
def after_decision(app, snapshots, world, make_application):
    """Speyer approved: a final notice with a call-off and a proof of use, a mentor assigned.

    Built once per test process and copied for each test (tests/snapshots.py).
    """
    return snapshots.reuse(
        app,
        "authorization.after_decision",
        lambda: _after_decision(world, make_application),
        _same,
        _same,
    )


def _after_decision(world, make_application):
    from funding_support import act, final_notice, proof_of

    from antrag.funding.models import CallOff
    from antrag.funding.operations import request_call_off
    from antrag.mentoring.models import MentoringAssignment

    world.users.mentor.mentor_capacity = 2
    db.session.commit()
    notice = final_notice(make_application, world)
    call_off = request_call_off(world.users.speyer, notice, notice.amount / 2, None)
    db.session.commit()
    assignment = db.session.scalars(db.select(MentoringAssignment)).one()
    assert assignment.mentor_id == world.users.mentor.id
    from conftest import extra_round

    from antrag.notices.rejection_rules import rejection_notice_of

    rejected = make_application("rejected", round_=extra_round(world, "Abgelehnte Runde"))
    rejection = rejection_notice_of(rejected)
    act(rejection, "issue", world.users.reviewer)
    from antrag.amendments.operations import draft_amendment

    changes = {"new_amount": None, "new_period_end": None, "reasons": "Gründe."}
    amendment = draft_amendment(world.users.reviewer, notice, condition="Bericht.", **changes)
    amendment_draft = draft_amendment(world.users.reviewer, notice, condition="Entwurf.", **changes)
    db.session.commit()
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    act(amendment, "issue", world.users.reviewer)
    reclaim = _reclaim_in_hearing(notice, world.users.reviewer)
    from antrag.mail.models import OutboxMessage

    message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    return {
        "message": message.id,
        "amendment": amendment.id,
        "amendment_draft": amendment_draft.id,
        "reclaim": reclaim.id,
        "rejection": rejection.id,
        "notice": notice.id,
        "call_off": db.session.get(CallOff, call_off.id).id,
        "proof": proof_of(notice).id,
        "assignment": assignment.id,
        "round": world.round.id,
    }


def _reclaim_in_hearing(notice, reviewer):
    """A reclaim of Speyer's notice whose hearing letter was sent."""
    from funding_support import act

    from antrag import engine
    from antrag.db_types import utcnow
    from antrag.reclaim.operations import new_reclaim

    reclaim = new_reclaim(
        notice,
        ground="purpose_not_met",
        amount=notice.amount / 4,
        reason="Projekt nicht umgesetzt.",
        facts_known_on=utcnow().date(),
        file_reference="DS-2099-0001",
    )
    engine.start("reclaim", reclaim, reviewer)
    db.session.commit()
    act(reclaim, "send_hearing", reviewer)
    return reclaim


#          page                                          anon own  other rev  ment adm
AFTER_TABLE = [
    ("/bescheide/", (302, 200, 200, 200, 403, 403)),
    ("/bescheide/{notice}", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/{notice}/pdf", (302, 200, 404, 200, 404, 404)),
    # The preview exists only while the notice is drafted (see test_letters_preview.py).
    ("/bescheide/{notice}/vorschau.pdf", (302, 404, 404, 404, 404, 404)),
    ("/bescheide/abrufe/{call_off}", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/nachweise/{proof}", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/nachweise/{proof}/pruefung", (302, 403, 404, 200, 404, 404)),
    ("/bescheide/ablehnungen/{rejection}", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/ablehnungen/{rejection}/pdf", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/einwilligung", (302, 200, 200, 403, 403, 403)),
    # An amendment: the city sees its own once issued, never a draft; only the ministry drafts.
    ("/bescheide/aenderungen/{amendment}", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/aenderungen/{amendment}/pdf", (302, 200, 404, 200, 404, 404)),
    ("/bescheide/aenderungen/{amendment_draft}", (302, 404, 404, 200, 404, 404)),
    ("/bescheide/aenderungen/{amendment_draft}/pdf", (302, 404, 404, 404, 404, 404)),
    ("/bescheide/{notice}/aenderungen/neu", (302, 403, 404, 200, 404, 404)),
    ("/rueckforderungen/{reclaim}", (302, 200, 404, 200, 404, 404)),
    ("/rueckforderungen/{reclaim}/anhoerung.pdf", (302, 200, 404, 200, 404, 404)),
    # No notice and no answer document yet: nothing to send.
    ("/rueckforderungen/{reclaim}/bescheid.pdf", (302, 404, 404, 404, 404, 404)),
    ("/rueckforderungen/{reclaim}/stellungnahme.pdf", (302, 404, 404, 404, 404, 404)),
    ("/rueckforderungen/bescheide/{notice}/neu", (302, 403, 404, 200, 404, 404)),
    ("/haushalt/", (302, 403, 403, 200, 403, 200)),
    ("/haushalt/runden/{round}", (302, 403, 403, 200, 403, 200)),
    # Payment orders are the ministry clerks' work; an export of a day without orders
    # sends the clerk back to the page (302).
    ("/zahlungen/", (302, 403, 403, 200, 403, 403)),
    ("/zahlungen/export.csv", (302, 403, 403, 302, 403, 403)),
    ("/zahlungen/export.xml", (302, 403, 403, 302, 403, 403)),
    ("/mentoring", (302, 302, 302, 302, 200, 302)),
    ("/mentoring/zuordnungen/{assignment}", (302, 404, 404, 200, 200, 404)),
    ("/mentoring/ministerium", (302, 403, 403, 200, 403, 403)),
    ("/verwaltung/postausgang", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/postausgang/{message}", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/protokoll", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/protokoll.json", (302, 403, 403, 403, 403, 200)),
    ("/verwaltung/protokoll.csv", (302, 403, 403, 403, 403, 200)),
]
AFTER_CASES = [
    pytest.param(page, role, expected[i], id=f"GET {page} as {role}")
    for page, expected in AFTER_TABLE
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("page", "role", "expected"), AFTER_CASES)
def test_get_pages_after_the_decision(make_web, world, after_decision, page, role, expected):
    web = make_web(_users(world)[role])
    response = web.get(page.format(**after_decision))
    assert response.status_code == expected
