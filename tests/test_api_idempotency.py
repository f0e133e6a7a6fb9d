"""The API's Idempotency-Key: a POST sent again with the same key is executed once."""

import io
from datetime import timedelta

import pytest
from api_support import Api, assert_ok, assert_problem, token_for
from funding_support import final_notice, proof_of
from sqlalchemy import func, select

from antrag.applications.storage import minimal_pdf
from antrag.clock import frozen_at
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.funding.models import CallOff, ProofAttachment
from antrag.idempotency.models import IdempotencyKey

KEY = "0b6c3f1e-5d1a-4c2e-9f3a-7e8d9c0b1a2f"


@pytest.fixture
def notice(make_application, world):
    return final_notice(make_application, world)


@pytest.fixture
def city(client, world, notice):
    return Api(client, token_for(world.users.speyer))


def call_off(api, notice, amount="1000.00", key=KEY, **headers):
    headers = ({"Idempotency-Key": key} if key else {}) | headers
    return api.post(f"/funding-notices/{notice.id}/call-offs", {"amount": amount}, headers=headers)


def call_offs() -> int:
    return db.session.scalar(select(func.count()).select_from(CallOff))


def test_the_same_request_with_the_same_key_is_answered_from_the_first(city, notice):
    first = call_off(city, notice)
    again = call_off(city, notice)

    assert_ok(first, 201)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert call_offs() == 1


def test_without_a_key_every_request_is_executed(city, notice):
    assert call_off(city, notice, key=None).status_code == 201
    assert call_off(city, notice, key=None).status_code == 201
    assert call_offs() == 2


def test_the_key_with_another_body_or_path_is_refused(city, notice, world):
    assert call_off(city, notice).status_code == 201

    other_body = assert_problem(call_off(city, notice, amount="2000.00"), 422, "key_reused")
    other_path = city.post(
        "/applications", {"round_id": world.round.id}, headers={"Idempotency-Key": KEY}
    )

    assert "andere Anfrage" in other_body["detail"]
    assert_problem(other_path, 422, "key_reused")
    assert call_offs() == 1


def test_the_same_json_in_another_spelling_is_the_same_request(city, notice):
    path = f"/funding-notices/{notice.id}/call-offs"
    headers = {"Idempotency-Key": KEY, "Content-Type": "application/json"}
    first = city.open("POST", path, data='{"amount": "1000.00", "note": "Rate"}', headers=headers)
    again = city.open("POST", path, data='{ "note":"Rate","amount":"1000.00" }', headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert call_offs() == 1


def test_keys_belong_to_one_account(city, notice, client, world):
    reviewer = Api(client, token_for(world.users.reviewer))
    assert call_off(city, notice).status_code == 201
    # The same key from someone else is their own request (here refused: not the city).
    assert_problem(call_off(reviewer, notice), 403)
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_refused_request_is_not_kept_and_may_be_corrected(city, notice):
    assert_problem(call_off(city, notice, amount="99999.00"), 422, "invalid")
    assert call_off(city, notice, amount="1000.00").status_code == 201
    assert call_offs() == 1
    assert db.session.scalars(select(IdempotencyKey.status)).all() == [201]


def test_a_key_expires_after_its_lifetime(city, notice, app):
    sent = utcnow()
    with frozen_at(sent):
        first = call_off(city, notice)
    hours = app.config["IDEMPOTENCY_KEY_HOURS"]
    with frozen_at(sent + timedelta(hours=hours) - timedelta(seconds=1)):
        assert call_off(city, notice).get_json() == first.get_json()
    with frozen_at(sent + timedelta(hours=hours)):
        later = call_off(city, notice)
    assert later.status_code == 201 and later.get_json()["id"] != first.get_json()["id"]
    assert call_offs() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "mit leerzeichen", "ümlaut"])
def test_a_malformed_key_is_refused(city, notice, key):
    response = call_off(city, notice, key=None, **{"Idempotency-Key": key})
    assert_problem(response, 400)
    assert call_offs() == 0


def test_a_repeated_transition_gets_its_first_answer(client, world, make_application):
    application = make_application("submitted")
    reviewer = Api(client, token_for(world.users.reviewer))
    path = f"/applications/{application.id}/transitions"
    body = {"trigger": "start_review", "version": application.case.version}

    first = reviewer.post(path, body, headers={"Idempotency-Key": KEY})
    again = reviewer.post(path, body, headers={"Idempotency-Key": KEY})
    fresh = reviewer.post(path, body, headers={"Idempotency-Key": "neu"})

    assert assert_ok(first)["state"] == "in_review"
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert_problem(fresh, 409)  # without the key, the stale version is refused as before


def test_an_upload_sent_again_is_stored_once(city, notice):
    proof = proof_of(notice)
    path = f"/api/v1/proofs-of-use/{proof.id}/attachments"
    version = proof.case.version

    def upload():
        # A new multipart body each time (another boundary), as a retrying client sends it.
        form = {"file": (io.BytesIO(minimal_pdf()), "Beleg.pdf"), "version": str(version)}
        return city.open(
            "POST",
            path,
            data=form,
            content_type="multipart/form-data",
            headers={"Idempotency-Key": KEY},
        )

    first, again = upload(), upload()
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ProofAttachment)) == 1


def test_a_malformed_upload_with_a_key_is_refused_not_failed(city, notice):
    proof = proof_of(notice)
    body = (
        b"--grenze\r\nContent-Disposition: form-data\r\n\r\nohne Namen\r\n"
        b'--grenze\r\nContent-Disposition: form-data; name="version"\r\n\r\n1\r\n--grenze--\r\n'
    )
    response = city.open(
        "POST",
        f"/proofs-of-use/{proof.id}/attachments",
        data=body,
        content_type="multipart/form-data; boundary=grenze",
        headers={"Idempotency-Key": KEY},
    )
    assert_problem(response, 422)


def test_the_header_is_documented_on_every_post_and_nowhere_else(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    offered = {
        (path, method)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    posts = {(path, "post") for path, item in spec["paths"].items() if "post" in item}
    assert offered == posts and posts
    assert "Idempotency-Key" in spec["info"]["description"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<code>Idempotency-Key</code> (Kopfzeile;" in page
    assert 'id="problem-key_reused"' in page and 'id="problem-in_progress"' in page
