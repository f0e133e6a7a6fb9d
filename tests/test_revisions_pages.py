"""Revisions on the pages: the receipt PDF, the diff for the reviewer, the case file, the API."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from api_support import Api, assert_ok, token_for
from engine_support import fire_committed, send_back_and_resubmit
from letters_support import text_of

from antrag.applications.revisions import revisions_of
from antrag.clock import frozen_at

SUBMITTED = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)


@pytest.fixture
def resubmitted(world, make_application):
    """Speyer's application submitted, sent back for changes and resubmitted with a new amount."""
    application = make_application("draft")
    with frozen_at(SUBMITTED):
        fire_committed(application, "submit", world.users.speyer)
    send_back_and_resubmit(application, world, project_title="Bürgerbüro online")
    return application


def test_the_receipt_shows_moment_reference_content_number_and_hash(make_web, world, resubmitted):
    first = revisions_of(resubmitted.id)[0]
    web = make_web(world.users.speyer)

    response = web.get(f"/antraege/{resubmitted.id}/fassungen/1/eingangsbestaetigung.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.get_data())
    assert "Eingangsbestätigung" in text
    assert "01.12.2026, 10:30:15 Uhr" in text  # Berlin time of receipt
    assert first.file_reference in text and "Fassung 1" in text
    assert first.content_hash in text
    assert "60.750,00 EUR" in text and "Digitales Bürgerbüro" in text  # as first submitted
    assert "Maria Beispiel" in text and "Ratsbeschluss" in text
    assert "55.000,00 EUR" not in text


def test_the_second_receipt_shows_the_resubmitted_content(make_web, world, resubmitted):
    second = revisions_of(resubmitted.id)[1]
    web = make_web(world.users.reviewer)

    text = text_of(
        web.get(f"/antraege/{resubmitted.id}/fassungen/2/eingangsbestaetigung.pdf").get_data()
    )

    assert "überarbeitete Fassung" in text and second.content_hash in text
    assert "55.000,00 EUR" in text and "Bürgerbüro online" in text


def test_the_reviewer_sees_what_the_resubmission_changed(make_web, world, resubmitted):
    page = make_web(world.users.reviewer).get(f"/antraege/{resubmitted.id}").get_data(as_text=True)

    assert "Eingereichte Fassungen" in page
    assert "Änderungen in Fassung 2 gegenüber Fassung 1" in page
    assert "Beantragter Betrag" in page
    assert "<del>60.750,00" in page and "<ins>55.000,00" in page
    assert "Geändert: „Bürgerbüro online“" in page
    assert "<del>Digitales Bürgerbüro</del>" in page


def test_the_city_sees_its_own_revisions_and_another_city_nothing(make_web, world, resubmitted):
    own = make_web(world.users.speyer).get(f"/antraege/{resubmitted.id}").get_data(as_text=True)
    other = make_web(world.users.pirmasens)

    assert "Eingereichte Fassungen" in own and "fassungen/2/eingangsbestaetigung.pdf" in own
    assert (
        other.get(f"/antraege/{resubmitted.id}/fassungen/1/eingangsbestaetigung.pdf").status_code
        == 404
    )
    assert (
        make_web(world.users.mentor)
        .get(f"/antraege/{resubmitted.id}/fassungen/1/eingangsbestaetigung.pdf")
        .status_code
        == 404
    )  # a mentor who does not follow the city


def test_the_case_file_holds_the_revisions_their_changes_and_receipts(make_web, world, resubmitted):
    response = make_web(world.users.reviewer).get(f"/auswertung/akten/{resubmitted.id}")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))

    rows = json.loads(archive.read("fassungen.json"))
    first, second = revisions_of(resubmitted.id)

    assert [r["number"] for r in rows] == [1, 2]
    assert rows[0]["content_json"] == first.content_json and rows[1]["content_verified"]
    fields = {c["key"]: (c["old"], c["new"]) for c in rows[1]["changes_from_previous"]["fields"]}
    assert fields["requested_amount"] == ("60750.00", "55000.00")
    names = archive.namelist()
    assert f"fassungen/Eingangsbestaetigung-{first.file_reference}-Fassung-2.pdf" in names
    assert "Eingereichte Fassungen" in archive.read("akte.html").decode("utf-8")


def test_the_api_lists_the_revisions_and_sends_the_receipt(client, world, resubmitted):
    api = Api(client, token_for(world.users.speyer))

    body = assert_ok(api.get(f"/applications/{resubmitted.id}"))

    second = revisions_of(resubmitted.id)[1]
    assert [r["number"] for r in body["revisions"]] == [1, 2]
    assert body["revisions"][1]["content_hash"] == second.content_hash
    receipt = api.client.get(body["revisions"][1]["receipt_url"], headers=api.headers)
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    assert second.content_hash in text_of(receipt.get_data())
    other = Api(client, token_for(world.users.pirmasens))
    assert other.get(f"/applications/{resubmitted.id}/revisions/1/receipt").status_code == 404
