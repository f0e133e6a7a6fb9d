"""Every route of `app.url_map`, asked by every kind of visitor: no 5xx, no leak, no forged POST.

The routes are taken from the app itself, so a new route is swept automatically. Its URL
arguments are filled with ids of real objects built below; a rule with an argument this
module has no id for fails the sweep, so that whoever adds the route must map it here.

Each test builds one world and asks all its URLs, collecting every unexpected answer, so
that a failure lists all offending routes at once.
"""

import re

import pytest
from api_support import token_for
from conftest import PASSWORD, extra_round
from funding_support import act, notice_of, proof_of
from sqlalchemy import select

from antrag.accounts.operations import create_user
from antrag.api.models import ApiToken
from antrag.applications.storage import minimal_pdf
from antrag.extensions import db
from antrag.funding.operations import attach_to_proof, request_call_off
from antrag.funding.proof_operations import add_funds, add_receipt
from antrag.mail.models import OutboxMessage
from antrag.mentoring.models import MentoringAssignment, MentoringGap
from antrag.notices.rejection_rules import rejection_notice_of

LOGGED_IN = ("own_city", "wrong_city", "reviewer", "mentor", "admin", "pending")
# The only page an account waiting for confirmation opens (besides the public ones).
PENDING_PAGES = {"/konto/bestaetigung"}
STATE_CHANGING = {"POST", "PATCH", "PUT", "DELETE"}
PUBLIC = {"/", "/anmelden", "/api/v1/docs", "/api/v1/openapi.json"}
PUBLIC |= {"/mitglieder/", "/mitglieder/<ags>", "/impressum", "/datenschutz"}
PUBLIC |= {"/barrierefreiheit", "/barrierefreiheit/barriere-melden"}
PUBLIC |= {
    "/netzwerktreffen/",
    "/netzwerktreffen/<int:meeting_id>",
    "/netzwerktreffen/<int:meeting_id>/anmeldung",
    "/netzwerktreffen/<int:meeting_id>/kalender.ics",
    "/netzwerktreffen/abmelden/<token>",
    "/konto/einladung/<token>",
}
# Single sign-on's return from the provider: public, but 404 while no provider is set up (as
# in the sweep; tests/test_oidc.py drives it against a real provider).
SSO_PAGES = {"/anmelden/dienstkonto/rueckkehr"}
# Pages about one city's cases: the wrong city gets 404, the admin 403 or 404.
CASE_PREFIXES = ("/antraege/<", "/bescheide/<", "/bescheide/abrufe/", "/bescheide/nachweise/")
CASE_PREFIXES += ("/bescheide/ablehnungen/", "/mentoring/zuordnungen/", "/api/v1/")
CASE_PREFIXES += ("/vorgaenge/",)
CASE_PREFIXES += ("/bescheide/aenderungen/",)
CASE_PREFIXES += ("/rueckforderungen/",)
_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _issued_amendment(notice, world):
    """An amendment of `notice` adding a condition, co-signed and issued by post."""
    from antrag.amendments.operations import draft_amendment

    u = world.users
    amendment = draft_amendment(
        u.reviewer,
        notice,
        new_amount=None,
        new_period_end=None,
        condition="Bericht.",
        reasons="Gründe.",
    )
    for trigger, actor in (
        ("propose", u.reviewer),
        ("co_sign", u.reviewer2),
        ("issue", u.reviewer),
    ):
        act(amendment, trigger, actor)
    return amendment


def _users(world):
    u = world.users
    return {
        "anonymous": None,
        "own_city": u.speyer,
        "wrong_city": u.pirmasens,
        "reviewer": u.reviewer,
        "mentor": u.mentor,
        "admin": u.admin,
        "pending": getattr(u, "pending", None),  # made by `ids`: Speyer's, from a lead
    }


@pytest.fixture
def ids(world, make_application):
    """Speyer's objects in many states, keyed by (collection, argument) of the URL rules.

    The key of an argument is the static path segment just before the rule's first argument
    (the collection) and the argument's name; each key holds a list of ids, and the lists of
    one rule are read side by side (the n-th attachment belongs to the n-th application).
    """
    from antrag.programme.models import Round

    u = world.users
    earlier = Round(
        programme=world.programme,
        name="Frühere Runde",
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=world.round.budget,
        standard_amount=world.round.standard_amount,
        budget_chapter="03 01",  # the budget item a notice names
        budget_title="883 01",
        invited=[world.speyer, world.andernach],
    )
    db.session.add(earlier)
    u.mentor.mentor_capacity, u.mentor.mentor_topics = 1, "verwaltung"
    u.reviewer.can_sign = True
    db.session.commit()
    approved = make_application("approved", round_=earlier)
    # Andernach approved too, after the only mentor is taken: a mentoring gap.
    make_application("approved", municipality=world.andernach, round_=earlier)
    submitted = make_application("submitted")
    draft = make_application("draft", round_=extra_round(world, "Spätere Runde"))
    rejected = make_application("rejected", round_=extra_round(world, "Abgelehnte Runde"))
    rejection = rejection_notice_of(rejected)
    act(rejection, "issue", u.reviewer)
    notice = notice_of(approved)
    act(notice, "issue", u.reviewer)
    act(notice, "waive_appeal", u.speyer)
    call_off = request_call_off(u.speyer, notice, notice.amount / 4, None)
    amendment = _issued_amendment(notice, world)
    proof = proof_of(notice)
    reclaim = _reclaim(notice, u.reviewer)
    document = attach_to_proof(u.speyer, proof, proof.case.version, minimal_pdf("Beleg"), "B.pdf")
    note = _message_with_attachment(u.speyer, approved)
    receipt = add_receipt(
        u.speyer,
        proof,
        proof.case.version,
        project_id=approved.projects[0].id,
        paid_on=world.round.opens_on,
        payee="Beispiel GmbH",
        purpose="Rechnung 1",
        amount=notice.amount / 4,
    )
    funds = add_funds(
        u.speyer,
        proof,
        proof.case.version,
        kind="income",
        description="Gebühren",
        amount=notice.amount / 100,
    )
    other_mentor = create_user(
        email="zweiter.mentor@kl.digital",
        name="Zweiter Mentor",
        role="mentor",
        password=PASSWORD,
        organisation="KL.digital GmbH",
    )
    db.session.commit()
    token_for(u.speyer)
    token = db.session.scalars(select(ApiToken)).first()
    assignment = db.session.scalars(select(MentoringAssignment)).one()
    gap = db.session.scalars(select(MentoringGap)).one()
    message = db.session.scalars(select(OutboxMessage)).first()
    assert message is not None, "the world should have sent mail"
    assert other_mentor.id

    meeting, registration, cancel_token, invitation_token = _meeting_objects(world)
    access_request = _pending_account(world)
    key = _security_key(u.andernach)  # an account no swept role logs in as
    applications = [draft, submitted, approved]
    attachments = [a.council_resolution.id for a in applications]
    return {
        ("antraege", "application_id"): [a.id for a in applications],
        ("antraege", "attachment_id"): attachments,
        ("antraege", "number"): [1, 1, 1],  # revision 1 (the draft has none: 404)
        ("applications", "object_id"): [a.id for a in applications],
        ("applications", "attachment_id"): attachments,
        ("applications", "number"): [1, 1, 1],
        ("bescheide", "notice_id"): [notice.id],
        ("ablehnungen", "notice_id"): [rejection.id],
        ("rejection-notices", "object_id"): [rejection.id],
        ("aenderungen", "amendment_id"): [amendment.id],
        ("amendment-notices", "object_id"): [amendment.id],
        ("funding-notices", "object_id"): [notice.id],
        ("abrufe", "call_off_id"): [call_off.id],
        ("vorgaenge", "case_id"): [approved.case_id],
        ("aufgaben", "case_id"): [submitted.case_id],  # the inbox's claims (POST only)
        ("vorgaenge", "message_id"): [note.id],
        ("call-offs", "object_id"): [call_off.id],
        ("nachweise", "proof_id"): [proof.id],
        ("rueckforderungen", "reclaim_id"): [reclaim.id],
        ("nachweise", "attachment_id"): [document.id],
        ("nachweise", "receipt_id"): [receipt.id],
        ("nachweise", "funds_id"): [funds.id],
        ("proofs-of-use", "object_id"): [proof.id],
        ("proofs-of-use", "attachment_id"): [document.id],
        ("zuordnungen", "assignment_id"): [assignment.id],
        ("mentoring-assignments", "object_id"): [assignment.id],
        ("luecken", "gap_id"): [gap.id],
        ("mentoring-gaps", "object_id"): [gap.id],
        ("runden", "round_id"): [world.round.id, earlier.id],
        ("api-tokens", "token_id"): [token.id],
        ("sicherheitsschluessel", "key_id"): [key.id],
        ("kommunen", "municipality_id"): [world.speyer.id],
        ("konten", "user_id"): [u.speyer.id],
        ("programme", "programme_id"): [world.programme.id],
        ("postausgang", "message_id"): [message.id],
        ("mitglieder", "ags"): [world.speyer.ags],
        ("projekte-teilen", "project_id"): [approved.projects[0].id],
        ("akten", "application_id"): [a.id for a in applications],
        ("export", "kind"): ["antraege", "bescheide", "auszahlungen", "unbekannt"],
        ("netzwerktreffen", "meeting_id"): [meeting.id],
        ("verwaltung", "meeting_id"): [meeting.id],
        ("abmelden", "token"): [cancel_token],
        ("anmeldungen", "registration_id"): [registration.id],
        ("interessenten", "registration_id"): [registration.id],
        ("einladung", "token"): [invitation_token],
        ("zugangsanfragen", "request_id"): [access_request.id],
        ("static", "filename"): ["antrag.css", "favicon.svg"],
    }


def _security_key(user):
    """A security key of `user` (a key makes the login wait for it; bytes are not checked)."""
    from antrag.security_keys.models import WebAuthnCredential

    key = WebAuthnCredential(
        user_id=user.id, credential_id="c3dlZXAta2V5", public_key=b"\xa0", name="USB-Schlüssel"
    )
    db.session.add(key)
    db.session.commit()
    return key


def _message_with_attachment(author, application):
    """A message of the city on its application, with a PDF."""
    import io

    from werkzeug.datastructures import FileStorage

    from antrag.messages.operations import post_message

    upload = FileStorage(io.BytesIO(minimal_pdf("Anlage")), filename="Anlage.pdf")
    return post_message(author, application.case, application, "Eine Frage.", upload=upload)


def _reclaim(notice, reviewer):
    """A reclaim of Speyer's notice in its hearing (a purpose not met)."""
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


def _meeting_objects(world):
    """An upcoming meeting with a lead's registration, its cancel token and an invitation token."""
    from datetime import timedelta

    from antrag.accounts.invitations import invite_applicant
    from antrag.db_types import utcnow
    from antrag.meetings.operations import create_meeting, register

    starts = utcnow() + timedelta(days=30)
    meeting = create_meeting(
        world.users.reviewer,
        title="Netzwerktreffen",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        place="Speyer",
        agenda="",
        capacity=5,
    )
    registration, cancel_token = register(
        meeting,
        name="Gast",
        municipality_id=world.pirmasens.id,
        email="gast@pirmasens.de",
        persons=1,
        interested_in_joining=True,
    )
    _user, invitation_token = invite_applicant(
        email="neu@pirmasens.de",
        name="Neu",
        municipality=world.pirmasens,
        actor=world.users.reviewer,
    )
    db.session.commit()
    return meeting, registration, cancel_token, invitation_token


def _pending_account(world):
    """A stranger's account for Speyer, made from a lead, not yet confirmed (world.users.pending)."""
    from antrag.accounts.access_requests import request_access

    user, access_request, _token = request_access(
        email="fremd@example.org", name="Fremd", municipality=world.speyer, actor=world.users.admin
    )
    user.set_password(PASSWORD)
    db.session.commit()
    world.users.pending = user
    return access_request


def _collection(rule: str) -> str:
    """Return the static path segment just before the rule's first argument."""
    head = rule.split("<", 1)[0].rstrip("/")
    return head.rsplit("/", 1)[-1]


def _urls(app, ids, methods) -> list[tuple[str, str, str]]:
    """Return (rule, method, url) for every rule answering one of `methods`, arguments filled."""
    unmapped, urls = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods & methods):
            names = _ARG.findall(rule.rule)
            keys = [(_collection(rule.rule), name) for name in names]
            missing = [key for key in keys if key not in ids]
            if missing:
                unmapped.append(f"{rule.rule}: {missing}")
                continue
            rounds = max((len(ids[key]) for key in keys), default=1)
            for n in range(rounds):
                values = {key[1]: ids[key][n % len(ids[key])] for key in keys}
                url = _ARG.sub(lambda m, v=values: str(v[m.group(1)]), rule.rule)
                urls.append((rule.rule, method, url))
    assert not unmapped, (
        "Routes with URL arguments this sweep has no real id for; map them in `ids`:\n"
        + "\n".join(unmapped)
    )
    return urls


def _is_public(rule: str) -> bool:
    return rule in PUBLIC or rule.startswith("/static/")


def _is_case_page(rule: str) -> bool:
    return "<" in rule and rule.startswith(CASE_PREFIXES)


def _expected_get(role: str, rule: str, status: int, location: str) -> str | None:
    """Return what is wrong with `status` for a GET of `rule` by `role`, or None."""
    if status >= 500:
        return "server error"
    if rule in SSO_PAGES:
        return None if status == 404 else "single sign-on answers although not set up"
    if _is_public(rule):
        if rule in ("/", "/anmelden") and role != "anonymous" and status == 302:
            return None  # a logged-in person is sent on from the landing and login pages
        return None if status == 200 else "public page not 200"
    if rule.startswith("/api/"):  # bearer tokens only: a browser session does not count
        return None if status == 401 else "API without bearer token not 401"
    if role == "anonymous":
        if status != 302 or "/anmelden" not in location:
            return "anonymous not sent to /anmelden"
        return None
    if "/anmelden" in location:
        return "logged-in person sent to /anmelden"
    if role == "pending":
        if _is_case_page(rule) and status != 404:
            return "pending account not 404 on a city's case"
        if status == 200 and rule not in PENDING_PAGES:
            return "pending account reaches a page before its confirmation"
        return None
    if role == "wrong_city" and "<" in rule:
        if _is_case_page(rule):
            return None if status == 404 else "wrong city not 404 on the other city's case"
        return None if status in (403, 404) else "wrong city sees another's object"
    if role == "admin" and _is_case_page(rule) and status not in (403, 404):
        return "admin sees a case page"
    return None


@pytest.mark.parametrize("role", ["anonymous", *LOGGED_IN])
def test_every_get_route(app, make_web, world, ids, role):
    web = make_web(_users(world)[role])
    wrong, answered = [], {}
    for rule, _method, url in _urls(app, ids, {"GET"}):
        response = web.get(url)
        location = response.headers.get("Location", "")
        answered[url] = response.status_code
        problem = _expected_get(role, rule, response.status_code, location)
        if problem:
            wrong.append(f"GET {url} -> {response.status_code} {location}: {problem}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
    # The sweep must not be vacuous: the logged-in roles really see their own pages.
    draft, submitted, approved = ids[("antraege", "application_id")]
    expected_ok = {
        "own_city": [f"/antraege/{draft}", f"/bescheide/{ids[('bescheide', 'notice_id')][0]}"],
        "reviewer": [f"/antraege/{submitted}", "/pruefung/"],
        "mentor": [f"/mentoring/zuordnungen/{ids[('zuordnungen', 'assignment_id')][0]}"],
        "admin": ["/verwaltung/konten/", f"/verwaltung/konten/{world.users.speyer.id}/bearbeiten"],
        "pending": list(PENDING_PAGES),
    }.get(role, [])
    assert all(answered[url] == 200 for url in expected_ok), {u: answered[u] for u in expected_ok}


@pytest.mark.parametrize("role", LOGGED_IN)
def test_every_state_changing_route_refuses_a_post_without_csrf_token(
    app, make_web, world, ids, role
):
    """A forged cross-site POST carries the session cookie but no token: always refused."""
    web = make_web(_users(world)[role])
    wrong = []
    urls = _urls(app, ids, STATE_CHANGING)
    assert urls
    for rule, method, url in urls:
        response = web.client.open(url, method=method, data={"trigger": "withdraw", "name": "x"})
        if rule.startswith("/api/"):
            ok = response.status_code == 401
        else:
            ok = response.status_code == 400
        if not ok:
            wrong.append(f"{method} {url} -> {response.status_code}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
    # Nothing changed: the session still works and the draft is still a draft.
    from antrag.applications.models import Application

    db.session.expire_all()
    draft = db.session.get(Application, ids[("antraege", "application_id")][0])
    assert draft.case.state == "draft"
    assert web.get("/", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("role", LOGGED_IN)
def test_api_ignores_the_browser_session(app, make_web, world, ids, role):
    """A logged-in browser without a bearer token is anonymous to the API, for any method."""
    web = make_web(_users(world)[role])
    wrong = []
    for rule, method, url in _urls(app, ids, {"GET", *STATE_CHANGING}):
        if not rule.startswith("/api/") or _is_public(rule):
            continue
        body = {} if method != "GET" else None
        response = web.client.open(url, method=method, json=body)
        if response.status_code != 401:
            wrong.append(f"{method} {url} -> {response.status_code}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


# --- ids beyond the column range and characters no path may hold -------------------------------

# 2^31 overflows PostgreSQL's integer, 2^63 SQLite's, 2^64 every 64-bit integer.
OUT_OF_RANGE = (2**31, 2**63, 2**64)
# NUL (PostgreSQL refuses it in text), BEL, and U+FFFE (a noncharacter), percent-encoded.
BAD_SEGMENTS = ("%00", "%07", "%EF%BF%BE")
_INT_ARG = re.compile(r"<int:([^<>]+)>")
_TEXT_ARG = re.compile(r"<(?:(?:string|path|default):)?([^<>:]+)>")
SWEPT_METHODS = {"GET", *STATE_CHANGING}


def _out_of_range_urls(app) -> list[tuple[str, str]]:
    """Return (method, url) for every int argument of every rule set beyond the column range.

    The other int arguments of the rule are 1, so that each argument is refused on its own.
    """
    urls = []
    for rule in app.url_map.iter_rules():
        names = _INT_ARG.findall(rule.rule)
        for name in names:
            for value in OUT_OF_RANGE:
                url = _INT_ARG.sub(lambda m, n=name, v=value: str(v if m[1] == n else 1), rule.rule)
                urls += [(method, url) for method in sorted(rule.methods & SWEPT_METHODS)]
    return urls


def _bad_segment_urls(app) -> list[tuple[str, str]]:
    """Return (method, url) for every string argument of every rule set to a bad segment."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not _TEXT_ARG.search(rule.rule) or _INT_ARG.search(rule.rule):
            continue
        for segment in BAD_SEGMENTS:
            url = _TEXT_ARG.sub(segment, rule.rule)
            urls += [(method, url) for method in sorted(rule.methods & SWEPT_METHODS)]
    return urls


def _sweep_not_found(web, urls) -> list[str]:
    """Ask every url (POSTs with a valid CSRF token, so that they reach the view); return the non-404s."""
    wrong = []
    for method, url in urls:
        if method == "GET":
            response = web.get(url)
        else:
            response = web.client.open(url, method=method, data={"csrf_token": web.token or ""})
        if response.status_code != 404:
            wrong.append(f"{method} {url} -> {response.status_code}")
    return wrong


@pytest.mark.parametrize("role", ["anonymous", *LOGGED_IN])
def test_ids_beyond_the_column_range_are_404_everywhere(app, make_web, world, role):
    urls = _out_of_range_urls(app)
    assert len({url.split("/")[1] for _method, url in urls}) > 5  # the sweep is not vacuous
    web = make_web(_users(world)[role])
    web.get("/anmelden")  # a CSRF token for the POSTs
    wrong = _sweep_not_found(web, urls)
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ["anonymous", "reviewer", "admin"])
def test_a_path_segment_with_control_characters_is_404(app, make_web, world, role):
    urls = _bad_segment_urls(app)
    assert any("/mitglieder/%00" in url for _method, url in urls)
    web = make_web(_users(world)[role])
    web.get("/anmelden")
    wrong = _sweep_not_found(web, urls)
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
