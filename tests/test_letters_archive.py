"""The letters are archivable (PDF/A-2b) and accessible (PDF/UA-1), checked with pikepdf."""

import io
import re

import pikepdf
import pytest
from letters_support import SIGNER, notice

from antrag.letters import render_funding_notice, render_rejection_notice
from antrag.letters.seal import make_self_signed

# PDF, law and catalog behaviour: the SQLite run covers it (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


@pytest.fixture(scope="module")
def seal(tmp_path_factory):
    return make_self_signed(tmp_path_factory.mktemp("seal"))


@pytest.fixture(
    params=[
        (render_funding_notice, False),
        (render_rejection_notice, False),
        (render_funding_notice, True),
    ],
    ids=["funding-sealed", "rejection-sealed", "funding-draft"],
)
def document(request, seal):
    render, draft = request.param
    pdf = render(notice(), SIGNER, draft=draft, seal=seal)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        yield opened


def test_xmp_identifies_pdf_a_2b_and_pdf_ua_1(document):
    meta = document.open_metadata()
    assert meta["pdfaid:part"] == "2"
    assert meta["pdfaid:conformance"] == "B"
    assert meta["pdfuaid:part"] == "1"
    assert "bescheid DS-2019-0007" in meta["dc:title"]


def test_pdf_ua_extension_schema_is_declared_for_pdf_a(document):
    xmp = bytes(document.Root.Metadata.read_bytes()).decode()
    # as written here, or as pyHanko rewrites it when it seals
    assert re.search(r'pdfaSchema:prefix(="|>)pdfuaid', xmp)


def test_structure_language_and_title_display(document):
    root = document.Root
    assert "/StructTreeRoot" in root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "de-DE"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True


def _structure_types(document) -> set[str]:
    found = set()
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.add(str(node.S))
            if "/K" in node:
                stack.append(node.K)
    return found


def test_headings_and_paragraphs_are_tagged(document):
    assert {"/Document", "/H1", "/H2", "/P"} <= _structure_types(document)


def test_all_text_lies_in_marked_content(document):
    for page in document.pages:
        depth = 0
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                depth += 1
            elif operator == "EMC":
                depth -= 1
            elif operator in ("Tj", "TJ", "'", '"'):
                assert depth > 0, "text outside tagged content or artifacts"
        assert depth == 0


def test_every_font_is_embedded(document):
    fonts = []
    for page in document.pages:
        for font in page.Resources.Font.values():
            descendants = font.get("/DescendantFonts")
            fonts.append(descendants[0] if descendants is not None else font)
    assert fonts
    for font in fonts:
        descriptor = font.FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_srgb_output_intent_with_its_icc_profile(document):
    (intent,) = document.Root.OutputIntents
    assert str(intent.S) == "/GTS_PDFA1"
    assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
    assert int(intent.DestOutputProfile.N) == 3
    assert len(intent.DestOutputProfile.read_bytes()) > 100


def test_no_encryption_and_pdf_1_7(document):
    assert not document.is_encrypted
    assert document.pdf_version == "1.7"
