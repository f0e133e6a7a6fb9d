"""The seal: a PAdES signature over the whole notice, verified by pyHanko on the download."""

import io
from pathlib import Path

import pikepdf
import pytest
from funding_support import issued_notice, notice_of
from letters_support import SIGNER, notice, text_of
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from antrag.extensions import db
from antrag.letters import SealUnavailable, render_funding_notice, render_rejection_notice
from antrag.letters.seal import (
    FIELD_NAME,
    SealConfig,
    configured_seal,
    make_self_signed,
    outside_event_loop,
)

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


def verify(pdf: bytes, cert_path) -> object:
    """Return pyHanko's status of the one seal of `pdf`, trusting only `cert_path`."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert [s.field_name for s in signatures] == [FIELD_NAME]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    # pyHanko's synchronous validation runs `asyncio.run`: not where an event loop runs
    # (the browser tests' Playwright keeps one running in this thread for the session).
    return outside_event_loop(lambda: validate_pdf_signature(signatures[0], trust))


def assert_sealed_whole(status, cert_path) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.dump() == load_cert_from_pemder(str(cert_path)).dump()


@pytest.fixture(scope="module")
def seal(tmp_path_factory) -> SealConfig:
    return make_self_signed(tmp_path_factory.mktemp("seal"))


@pytest.mark.parametrize("render", [render_funding_notice, render_rejection_notice])
def test_notice_is_sealed_over_the_whole_document(seal, render):
    pdf = render(notice(), SIGNER, seal=seal)
    status = verify(pdf, seal.cert)
    assert_sealed_whole(status, seal.cert)
    assert "PAdES" in status.pretty_print_details() or status.md_algorithm == "sha256"


def test_seal_keeps_the_pdf_a_identification_as_incremental_update(seal):
    sealed = render_funding_notice(notice(), SIGNER, seal=seal)
    assert sealed.count(b"%%EOF") == 2
    rendered = sealed[: sealed.index(b"%%EOF") + 5]  # the first revision: the letter as rendered
    with pikepdf.open(io.BytesIO(rendered)) as document:
        assert document.open_metadata()["pdfaid:part"] == "2"
        assert "/AcroForm" not in document.Root
    with pikepdf.open(io.BytesIO(sealed)) as document:
        assert all(str(page.obj.Tabs) == "/S" for page in document.pages)  # PDF/UA 7.18.3
        assert document.open_metadata()["pdfaid:part"] == "2"
        assert "/StructTreeRoot" in document.Root


def test_a_changed_byte_breaks_the_seal(seal):
    pdf = bytearray(render_funding_notice(notice(), SIGNER, seal=seal))
    at = pdf.index(b"Stadt Speyer") if b"Stadt Speyer" in pdf else len(pdf) // 3
    pdf[at] ^= 0x01
    try:
        status = verify(bytes(pdf), seal.cert)
    except Exception:  # noqa: BLE001 - a broken file may not even parse: equally refused
        return
    assert not (status.intact and status.valid)


def test_draft_is_not_sealed(seal):
    pdf = render_funding_notice(notice(), SIGNER, draft=True)
    assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures == []
    assert "ENTWURF" in text_of(pdf)


def test_production_without_seal_refuses(tmp_path):
    config = {"NOTICE_SEAL_DEVELOPMENT": False}
    with pytest.raises(SealUnavailable):
        configured_seal(config, str(tmp_path))


def test_development_makes_its_seal_once_in_the_instance_folder(tmp_path):
    first = configured_seal({}, str(tmp_path))
    second = configured_seal({}, str(tmp_path))
    assert first == second
    assert first.cert == tmp_path / "seal" / "seal-cert.pem"
    assert first.cert.read_bytes() == second.cert.read_bytes()


def test_unreadable_seal_files_are_refused(tmp_path):
    broken = SealConfig(tmp_path / "missing-cert.pem", tmp_path / "missing-key.pem")
    with pytest.raises(SealUnavailable):
        render_funding_notice(notice(), SIGNER, seal=broken)


def test_downloaded_notice_carries_a_valid_seal(app, make_web, world, make_application):
    found = issued_notice(make_application, world)
    web = make_web(world.users.speyer)
    response = web.get(f"/bescheide/{found.id}/pdf")
    assert response.status_code == 200
    pdf = response.data
    cert = Path(app.config["NOTICE_SEAL_CERT"])
    assert_sealed_whole(verify(pdf, cert), cert)
    text = text_of(pdf)
    assert found.addressee_name in text and "Rechtsbehelfsbelehrung" in text
    assert "ENTWURF" not in text


def test_issue_without_seal_is_refused_with_a_reason(app, make_web, world, make_application):
    from funding_support import act

    from antrag.engine.errors import GuardRefused

    found = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    app.config.update(NOTICE_SEAL_CERT=None, NOTICE_SEAL_KEY=None, NOTICE_SEAL_DEVELOPMENT=False)
    with pytest.raises(GuardRefused, match="Siegel"):
        act(found, "issue", world.users.reviewer)
    db.session.rollback()
    assert db.session.get(type(found), found.id).pdf_stored_name is None


def test_sealing_works_where_an_event_loop_runs(seal):
    import asyncio

    async def inside_a_loop():
        return render_funding_notice(notice(), SIGNER, seal=seal)

    pdf = outside_event_loop(lambda: asyncio.run(inside_a_loop()))
    assert_sealed_whole(verify(pdf, seal.cert), seal.cert)
