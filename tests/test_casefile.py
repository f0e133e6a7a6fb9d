"""The case file (Akte): one ZIP with the data, every document, the notice PDF and the history."""

import hashlib
import io
import json
import zipfile
from datetime import datetime
from types import SimpleNamespace

import pytest
from funding_support import final_notice, notice_of, paid_call_off, proof_of

from antrag.applications.models import Attachment
from antrag.applications.storage import minimal_pdf, path_of, write_new
from antrag.engine.history import GENESIS, entry_hash
from antrag.extensions import db
from antrag.funding.operations import attach_to_proof
from antrag.funding.storage import notice_pdf_path
from antrag.reporting.casefile import safe_name


@pytest.fixture
def full_case(world, make_application):
    """Speyer's final notice with a paid call-off, a proof document and a hostile file name."""
    notice = final_notice(make_application, world)
    paid_call_off(notice, "20000.00", world)
    proof = proof_of(notice)
    receipt = minimal_pdf("Rechnung")
    attach_to_proof(world.users.speyer, proof, proof.case.version, receipt, "Rechnung 1.pdf")
    application = notice.application
    stored_name, sha256 = write_new(minimal_pdf("Anlage"))
    db.session.add(
        Attachment(
            application=application,
            kind="other",
            original_name="../../etc/passwd",
            stored_name=stored_name,
            content_type="application/pdf",
            size=len(minimal_pdf("Anlage")),
            sha256=sha256,
            uploaded_by_id=world.users.speyer.id,
        )
    )
    db.session.commit()
    return SimpleNamespace(application=application, notice=notice, receipt=receipt)


def _download(make_web, user, application) -> zipfile.ZipFile:
    response = make_web(user).get(f"/auswertung/akten/{application.id}")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_every_manifest_entry_is_in_the_zip_with_its_checksum(make_web, world, full_case):
    archive = _download(make_web, world.users.reviewer, full_case.application)
    assert archive.testzip() is None
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["name"] for entry in manifest["files"]}
    assert listed | {"manifest.json", "SHA256SUMS.txt"} == set(archive.namelist())
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert len(data) == entry["size"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry.get("matches_stored_checksum", True) is True
    assert manifest["missing"] == []
    sums = archive.read("SHA256SUMS.txt").decode().splitlines()
    assert sorted(sums) == sorted(f"{e['sha256']}  {e['name']}" for e in manifest["files"])


def test_documents_are_the_original_bytes_under_safe_names(make_web, world, full_case):
    archive = _download(make_web, world.users.reviewer, full_case.application)
    names = archive.namelist()
    assert all(".." not in n and not n.startswith("/") and "\\" not in n for n in names)
    for attachment in full_case.application.attachments:
        (name,) = [n for n in names if n.startswith(f"anhaenge/antrag/{attachment.id}-")]
        assert archive.read(name) == path_of(attachment).read_bytes()
    assert f"anhaenge/antrag/{full_case.application.attachments[-1].id}-passwd" in names
    (receipt,) = [n for n in names if n.startswith("anhaenge/verwendungsnachweis/")]
    assert receipt.endswith("-Rechnung_1.pdf")
    assert archive.read(receipt) == full_case.receipt
    notice = full_case.notice
    pdf = archive.read(f"bescheid/Zuwendungsbescheid-{notice.file_reference}.pdf")
    assert pdf == notice_pdf_path(notice).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == notice.pdf_sha256


def test_application_data_and_summary(make_web, world, full_case):
    archive = _download(make_web, world.users.reviewer, full_case.application)
    data = json.loads(archive.read("antrag.json"))
    assert data["application"]["id"] == full_case.application.id
    assert data["application"]["municipality"] == {"ags": "07318000", "name": "Speyer"}
    assert data["application"]["state"] == "approved"
    assert data["application"]["requested_amount"] == "60750.00"
    assert data["notice"]["file_reference"] == full_case.notice.file_reference
    assert [c["amount"] for c in data["call_offs"]] == ["20000.00"]
    assert data["proof_of_use"]["state"] == "due"
    summary = archive.read("akte.html").decode()
    assert "Speyer" in summary and full_case.notice.file_reference in summary
    assert "Die Hash-Kette des Verlaufs ist unversehrt" in summary


def test_history_holds_every_case_and_verifies(make_web, world, full_case):
    archive = _download(make_web, world.users.reviewer, full_case.application)
    history = json.loads(archive.read("verlauf.json"))
    assert history["chain"]["verified"] is True and history["entries_verified"] is True
    workflows = {c["workflow"] for c in history["cases"]}
    assert {"membership", "funding_notice", "call_off", "proof_of_use"} <= workflows
    membership = history["cases"][0]
    assert [e["trigger"] for e in membership["entries"]] == [
        "start",
        "submit",
        "start_review",
        "propose_approval",
        "approve",
    ]
    for case in history["cases"]:
        prev = GENESIS  # each case's entries form a chain
        for e in case["entries"]:
            fields = {k: v for k, v in e.items() if k not in ("hash", "content_verified")}
            fields["from_state"], fields["to_state"] = fields.pop("from"), fields.pop("to")
            fields["created_at"] = datetime.fromisoformat(fields["created_at"])
            assert entry_hash(SimpleNamespace(**fields), e["prev_hash"]) == e["hash"]
            assert e["prev_hash"] == prev
            prev = e["hash"]


def test_a_file_missing_on_disk_is_listed_not_fatal(make_web, world, full_case):
    attachment = full_case.application.attachments[0]
    path_of(attachment).unlink()
    archive = _download(make_web, world.users.reviewer, full_case.application)
    manifest = json.loads(archive.read("manifest.json"))
    assert [m["sha256"] for m in manifest["missing"]] == [attachment.sha256]
    assert not any(n.startswith(f"anhaenge/antrag/{attachment.id}-") for n in archive.namelist())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Ratsbeschluss.pdf", "Ratsbeschluss.pdf"),
        ("Übersicht März.pdf", "Ubersicht_Marz.pdf"),
        ("..", "dokument.pdf"),
        ("", "dokument.pdf"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


#       who          approved submitted draft
ACCESS = {
    "anonymous": (302, 302, 302),
    "speyer": (403, 403, 403),
    "andernach": (403, 403, 403),
    "mentor": (403, 403, 403),
    "admin": (403, 403, 403),
    "reviewer": (200, 200, 404),
}


@pytest.mark.parametrize("role", ACCESS)
def test_only_reviewers_download_case_files_of_cases_they_may_see(
    make_web, world, make_application, role
):
    approved = make_application("approved", municipality=world.andernach)
    submitted = make_application("submitted")
    draft = make_application("draft", municipality=world.pirmasens)
    web = make_web(None if role == "anonymous" else getattr(world.users, role))
    statuses = tuple(
        web.get(f"/auswertung/akten/{a.id}").status_code for a in (approved, submitted, draft)
    )
    assert statuses == ACCESS[role]
    assert notice_of(approved) is not None


def test_case_page_links_the_case_file_for_reviewers_only(make_web, world, make_application):
    application = make_application("submitted")
    link = f'href="/auswertung/akten/{application.id}"'
    assert link in make_web(world.users.reviewer).get(f"/antraege/{application.id}").text
    assert link not in make_web(world.users.speyer).get(f"/antraege/{application.id}").text


def test_a_rejected_application_carries_its_rejection_notice(make_web, world, make_application):
    from funding_support import act

    from antrag.notices.rejection_rules import rejection_notice_of

    application = make_application("rejected")
    rejection = rejection_notice_of(application)
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(rejection, "issue", world.users.reviewer)

    archive = _download(make_web, world.users.reviewer, application)

    name = f"bescheid/Ablehnungsbescheid-{safe_name(rejection.file_reference)}.pdf"
    assert archive.read(name) == notice_pdf_path(rejection).read_bytes()
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["missing"] == []
    history = json.loads(archive.read("verlauf.json"))
    assert "rejection_notice" in json.dumps(history)


def test_messages_and_internal_notes_are_in_the_case_file(make_web, world, make_application):
    """The ministry's file keeps the conversation of every case of the application."""
    from werkzeug.datastructures import FileStorage

    from antrag.messages.operations import post_message

    application = make_application("in_review")
    letter = minimal_pdf("Schreiben")
    upload = FileStorage(io.BytesIO(letter), filename="Schreiben.pdf")
    case = application.case
    post_message(world.users.speyer, case, application, "Frage der Kommune.", upload=upload)
    post_message(world.users.reviewer, case, application, "Interner Vermerk.", internal=True)
    db.session.commit()

    archive = _download(make_web, world.users.reviewer, application)

    messages = json.loads(archive.read("nachrichten.json"))
    assert [(m["body"], m["internal"]) for m in messages] == [
        ("Frage der Kommune.", False),
        ("Interner Vermerk.", True),
    ]
    name = f"anhaenge/nachrichten/{messages[0]['id']}-Schreiben.pdf"
    assert archive.read(name) == letter
    assert messages[0]["attachment_sha256"] == hashlib.sha256(letter).hexdigest()


def test_the_case_file_carries_the_amendments_pdf_and_history(make_web, world, make_application):
    from funding_support import act

    from antrag.amendments.operations import draft_amendment

    notice = final_notice(make_application, world)
    amendment = draft_amendment(
        world.users.reviewer,
        notice,
        new_amount=None,
        new_period_end=None,
        condition="Halbjährlicher Bericht.",
        reasons="Gründe.",
    )
    world.users.reviewer.can_sign = True
    db.session.commit()
    act(amendment, "propose", world.users.reviewer)
    act(amendment, "co_sign", world.users.reviewer2)
    act(amendment, "issue", world.users.reviewer)

    archive = _download(make_web, world.users.reviewer, notice.application)

    name = f"bescheid/Aenderungsbescheid-{safe_name(amendment.file_reference)}.pdf"
    assert archive.read(name) == notice_pdf_path(amendment).read_bytes()
    assert "amendment_notice" in json.dumps(json.loads(archive.read("verlauf.json")))
