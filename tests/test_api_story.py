"""The whole story of a case through the API alone: from an empty draft to a closed notice.

Only the world, the tokens, the signing authority and the mentor's capacity are set up
outside the API; every step of the case itself is a request with a bearer token.
"""

from decimal import Decimal

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from form_support import project_start

from antrag.applications.storage import minimal_pdf
from antrag.clock import now
from antrag.engine import history
from antrag.engine.calendar import BERLIN
from antrag.extensions import db

FIELDS = {
    "contact_name": "Maria Beispiel",
    "contact_function": "Digitalisierungsbeauftragte",
    "contact_email": "maria.beispiel@speyer.de",
    "contact_phone": "06232 14-0",
    "head_of_administration": "Oberbürgermeisterin Erika Muster",
    "requested_amount": "60750.00",
    "own_contribution": "6750.00",
    "declaration_no_early_start": True,
    "declaration_accuracy": True,
    "declaration_privacy": True,
}
PROJECT = {
    "title": "Digitales Bürgerbüro",
    "description": "Online-Terminvergabe und Antragsstrecken.",
    "field_of_action": "verwaltung",
    "period_start": project_start(iso=True),
    "period_end": "2027-12-31",
    "estimated_cost": "67500.00",
}


@pytest.fixture
def people(world, client):
    """One API client per person; Anna may sign notices, the mentor has room for Speyer."""
    u = world.users
    u.reviewer.can_sign = True
    u.mentor.mentor_capacity, u.mentor.mentor_topics = 2, "verwaltung,beteiligung"
    db.session.commit()
    names = ("speyer", "reviewer", "reviewer2", "mentor")
    people = {name: Api(client, token_for(getattr(u, name))) for name in names}
    for name in ("reviewer", "reviewer2"):  # signing and releasing need the app's code
        people[name].with_second_factor(getattr(u, name))
    return people


def _action(body: dict, trigger: str) -> dict:
    [found] = [a for a in body["actions"] if a["trigger"] == trigger]
    return found


def _fire(api, path, trigger, version, status=200, **body):
    """Fire a transition and return the new representation (asserting `status`)."""
    return assert_ok(api.fire(path, trigger, version, **body), status)


def _assert_history_ends_in_state(api, path):
    body = assert_ok(api.get(path))
    entries = assert_ok(api.get(f"{path}/history"))["items"]
    assert entries[0]["trigger"] == "start"
    assert entries[-1]["to_state"] == body["state"]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    return entries


def _apply_and_get_approved(api, world) -> str:
    """Speyer drafts, completes and submits; Anna and Ben decide. Return the application path."""
    city, anna, ben = api["speyer"], api["reviewer"], api["reviewer2"]
    response = city.post("/applications", {"round_id": world.round.id, "contact_name": "M. B."})
    draft = assert_ok(response, 201)
    path = f"/applications/{draft['id']}"
    assert response.headers["Location"] == f"/api/v1{path}"
    assert (draft["state"], draft["contact_name"], draft["editable"]) == ("draft", "M. B.", True)
    assert _action(draft, "submit")["allowed"] is False

    refused = assert_problem(city.fire(path, "submit", draft["version"]), 422, "guard")
    assert refused["guard"] == "form_complete"

    saved = assert_ok(
        city.patch(path, {"version": draft["version"], **FIELDS, "projects": [PROJECT]})
    )
    assert saved["version"] == draft["version"] + 1
    assert saved["contact_name"] == "Maria Beispiel"
    [project] = saved["projects"]
    assert project["estimated_cost"] == "67500.00" and project["period_end"] == "2027-12-31"

    response = city.upload(
        f"{path}/attachments", minimal_pdf(), saved["version"], "Ratsbeschluss.pdf"
    )
    uploaded = assert_ok(response, 201)
    [attachment] = uploaded["attachments"]
    assert response.headers["Location"] == attachment["url"]
    download = city.get(attachment["url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == minimal_pdf()
    assert (_action(uploaded, "submit")["allowed"], _action(uploaded, "submit")["reason"]) == (
        True,
        None,
    )

    body = _fire(city, path, "submit", uploaded["version"])
    assert body["state"] == "submitted" and body["submitted_at"] and body["editable"] is False
    body = _fire(anna, path, "start_review", body["version"])

    missing = assert_problem(anna.fire(path, "request_changes", body["version"]), 422, "invalid")
    assert "comment" in missing["errors"]
    body = _fire(
        anna, path, "request_changes", body["version"], comment="Bitte Zeitplan präzisieren."
    )
    assert body["state"] == "changes_requested"

    version = assert_ok(city.get(path))["version"]
    changed = {"id": project["id"], "period_end": "2027-11-30"}
    body = assert_ok(city.patch(path, {"version": version, "projects": [changed]}))
    assert body["projects"][0]["period_end"] == "2027-11-30"
    body = _fire(city, path, "resubmit", body["version"])
    body = _fire(anna, path, "propose_approval", body["version"], comment="Förderfähig.")
    assert body["state"] == "proposed_approval"

    own_approval = _action(assert_ok(anna.get(path)), "approve")
    assert own_approval["allowed"] is False and own_approval["reason"]
    refused = assert_problem(anna.fire(path, "approve", body["version"]), 422, "guard")
    assert refused["guard"] == "four_eyes"
    assert "„four_eyes“" in refused["detail"]  # the guard is named in the detail too
    assert _action(assert_ok(ben.get(path)), "approve")["allowed"] is True
    body = _fire(ben, path, "approve", body["version"])
    assert body["state"] == "approved" and body["final"] is True
    entries = _assert_history_ends_in_state(anna, path)
    assert [e["trigger"] for e in entries] == [
        "start",
        "submit",
        "start_review",
        "request_changes",
        "resubmit",
        "propose_approval",
        "approve",
    ]
    entries = _assert_history_ends_in_state(city, path)  # without the ministry's proposal
    assert [e["trigger"] for e in entries] == [
        "start",
        "submit",
        "start_review",
        "request_changes",
        "resubmit",
        "approve",
    ]
    assert entries[3]["comment"] == "Bitte Zeitplan präzisieren."
    return path


def _mentoring(api, world) -> str:
    """The proposed mentor accepts, kicks off on a date and completes with a summary."""
    mentor = api["mentor"]
    [assignment] = assert_ok(mentor.get("/mentoring-assignments"))["items"]
    assert assignment["state"] == "proposed"
    assert assignment["municipality"]["id"] == world.speyer.id
    path = f"/mentoring-assignments/{assignment['id']}"
    body = _fire(mentor, path, "accept", assignment["version"])
    kick_off = _action(body, "kick_off")
    assert kick_off["inputs"] == [
        {"name": "kickoff_on", "label": "Auftakttermin", "kind": "date", "required": True}
    ]
    body = _fire(mentor, path, "kick_off", body["version"], inputs={"kickoff_on": "2027-02-15"})
    assert (body["state"], body["kickoff_on"]) == ("active", "2027-02-15")
    missing = assert_problem(mentor.fire(path, "complete", body["version"]), 422, "invalid")
    assert "comment" in missing["errors"]
    body = _fire(mentor, path, "complete", body["version"], comment="Bürgerbüro begleitet.")
    assert (body["state"], body["summary"]) == ("completed", "Bürgerbüro begleitet.")
    entries = _assert_history_ends_in_state(mentor, path)
    assert entries[2]["inputs"] == {"kickoff_on": "2027-02-15"}
    return path


def _call_offs(api, notice_path) -> list[str]:
    """Too much is refused; 50,000 are called off, checked and released by two people."""
    city, anna, ben = api["speyer"], api["reviewer"], api["reviewer2"]
    refused = assert_problem(city.post(f"{notice_path}/call-offs", {"amount": "60750.01"}), 422)
    assert "amount" in refused["errors"]
    response = city.post(f"{notice_path}/call-offs", {"amount": "50000.00", "note": "Erste Rate"})
    call_off = assert_ok(response, 201)
    path = f"/call-offs/{call_off['id']}"
    assert response.headers["Location"] == f"/api/v1{path}"
    assert (call_off["state"], call_off["amount"]) == ("requested", "50000.00")
    refused = assert_problem(city.post(f"{notice_path}/call-offs", {"amount": "10750.01"}), 422)
    assert refused["errors"]["amount"] == "Vom Bescheid sind nur noch 10.750,00\xa0€ übrig."

    stale = assert_problem(anna.fire(path, "check", call_off["version"] + 1), 409, "stale")
    assert stale["detail"]
    body = _fire(anna, path, "check", call_off["version"])
    assert _action(assert_ok(anna.get(path)), "release")["allowed"] is False
    refused = assert_problem(anna.fire(path, "release", body["version"]), 422, "guard")
    assert refused["guard"] == "four_eyes_release"
    body = _fire(ben, path, "release", body["version"])
    order = body["payment_order"]
    assert body["state"] == "ordered" and not body["paid_at"] and order["amount"] == "50000.00"
    assert body["account"]["iban"] == order["iban"] and order["value_date"] is None
    today = now().astimezone(BERLIN).date().isoformat()
    body = _fire(anna, path, "confirm_payment", body["version"], inputs={"value_date": today})
    assert body["state"] == "paid" and body["paid_at"]
    assert body["payment_order"]["value_date"] == today
    _assert_history_ends_in_state(city, path)
    return [path]


def _review_on_the_web(reviewer, path, proof_id, project_id) -> dict:
    """Recognise the whole expenditure (what the review page does) and return the resource."""
    from antrag.accounts.models import User
    from antrag.extensions import db
    from antrag.funding.models import ProofOfUse
    from antrag.funding.proof_operations import save_review

    proof = db.session.get(ProofOfUse, proof_id)
    user = db.session.scalars(db.select(User).filter_by(role="reviewer")).first()
    save_review(user, proof, proof.case.version, {project_id: (proof.lines[0].spent, None)}, {})
    db.session.commit()
    return assert_ok(reviewer.get(path))


def _proof(api, notice) -> str:
    """Speyer reports 45,000 spent against 50,000 paid; Anna proposes the acceptance, Ben
    co-signs it: 5,000 are reclaimed."""
    city, anna, ben = api["speyer"], api["reviewer"], api["reviewer2"]
    [proof] = assert_ok(city.get("/proofs-of-use"))["items"]
    assert proof["id"] == notice["proof_of_use_id"] and proof["state"] == "due"
    path = f"/proofs-of-use/{proof['id']}"
    refused = assert_problem(city.fire(path, "submit", proof["version"]), 422, "guard")
    assert refused["guard"] == "proof_complete"
    [line] = proof["expenditure"]
    body = assert_ok(
        city.patch(
            path,
            {
                "version": proof["version"],
                "report": "Das Bürgerbüro ist online.",
                "expenditure": [{"project_id": line["project_id"], "spent": "45000.00"}],
                "receipts": [
                    {
                        "project_id": line["project_id"],
                        "paid_on": "2019-09-30",
                        "payee": "Beispiel GmbH",
                        "purpose": "Rechnung 2019-117",
                        "amount": "45000.00",
                    }
                ],
                "funds": [{"kind": "income", "description": "Gebühren", "amount": "120.00"}],
            },
        )
    )
    assert (body["spent_total"], body["paid"], body["missing"]) == ("45000.00", "50000.00", [])
    assert [r["amount"] for r in body["receipts"]] == ["45000.00"]
    assert body["funds"][0]["kind"] == "income" and body["entitled_amount"] is None
    response = city.upload(
        f"{path}/attachments", minimal_pdf("Rechnung"), body["version"], "Rechnung.pdf"
    )
    body = assert_ok(response, 201)
    [document] = body["attachments"]
    assert response.headers["Location"] == document["url"]
    assert city.get(document["url"]).mimetype == "application/pdf"
    body = _fire(city, path, "submit", body["version"])
    assert body["state"] == "submitted" and body["editable"] is False
    # The ministry records its review on its web page; the API shows it read-only.
    body = _review_on_the_web(anna, path, proof["id"], line["project_id"])
    assert body["review"][0]["recognised"] == "45000.00"
    body = _fire(anna, path, "propose_acceptance", body["version"])
    assert (body["recognised_total"], body["entitled_amount"]) == ("45000.00", "45000.00")
    assert body["state"] == "acceptance_proposed"
    refused = assert_problem(anna.fire(path, "accept", body["version"]), 422, "guard")
    assert refused["guard"] == "four_eyes"
    body = _fire(ben, path, "accept", body["version"])
    expected_reclaim = Decimal(body["paid"]) - Decimal(body["spent_total"])
    assert (body["state"], body["reclaim_amount"]) == ("accepted", f"{expected_reclaim:.2f}")
    assert body["reclaim_amount"] == "5000.00"
    _assert_history_ends_in_state(anna, path)
    return path


def test_a_case_from_empty_draft_to_closed_notice_through_the_api_alone(people, world):
    api = people
    city, anna, ben = api["speyer"], api["reviewer"], api["reviewer2"]
    application_path = _apply_and_get_approved(api, world)
    application_id = int(application_path.rsplit("/", 1)[1])

    notices = assert_ok(anna.get(f"/funding-notices?municipality={world.speyer.id}"))
    [notice] = notices["items"]
    assert notices["total"] == 1 and notice["application_id"] == application_id
    assert (notice["state"], notice["amount"], notice["pdf_url"]) == ("drafted", "60750.00", None)
    notice_path = f"/funding-notices/{notice['id']}"
    assert notice["links"]["self"] == f"/api/v1{notice_path}"
    assert _action(assert_ok(ben.get(notice_path)), "issue")["allowed"] is False  # cannot sign
    notice = _fire(anna, notice_path, "issue", notice["version"])
    assert notice["state"] == "issued" and notice["issued_at"]

    pdf = city.get(notice["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment")

    refused = city.fire(notice_path, "waive_appeal", notice["version"])
    assert refused.status_code == 422 and "confirm_waiver" in refused.get_json()["errors"]
    notice = _fire(city, notice_path, "waive_appeal", notice["version"], confirm_waiver=True)
    assert notice["state"] == "final" and notice["appeal_waived_at"] and notice["final_at"]
    mentoring_path = _mentoring(api, world)
    call_off_paths = _call_offs(api, notice_path)
    notice = assert_ok(city.get(notice_path))
    assert notice["figures"] == {
        "approved": "60750.00",
        "called_off": "50000.00",
        "ordered": "0.00",
        "paid": "50000.00",
        "left": "10750.00",
    }
    proof_path = _proof(api, notice)

    notice = assert_ok(city.get(notice_path))
    assert (notice["state"], notice["final"]) == ("closed", True)
    for path in (application_path, notice_path, proof_path, *call_off_paths):
        _assert_history_ends_in_state(anna, path)
    _assert_history_ends_in_state(api["mentor"], mentoring_path)
    assert history.verify()[1] is None
