"""The letter primitives: an A4 page in DIN 5008 form B, every text tagged for PDF/UA.

Every piece of text is written inside a marked-content sequence bound to a structure element
(H1, H2, P) of the document's structure tree, so that screen readers read the letter in
order; footers and the "Entwurf" watermark are marked as artifacts. Page breaks are taken
line by line (`paragraph`), so no marked sequence ever spans two pages.
"""

from contextlib import contextmanager
from datetime import datetime

from fpdf import FPDF, XPos, YPos
from fpdf.enums import MethodReturnValue

from . import archive
from .fonts import FAMILY, STYLES, font_path
from .text import clean, one_line

SENDER = ("Ministerium des Innern und für Sport", "Rheinland-Pfalz")
SENDER_ADDRESS = ("Schillerplatz 3–5", "55116 Mainz")  # "bis" dash, see formats.py
LEFT, RIGHT, TOP, BOTTOM = 25, 20, 15, 25  # mm; DIN 5008 form B margins, room for the footer
INFO_X = 125  # mm; the information block beside the address field
LINE = 5  # mm per line of 11 pt body text
DRAFT_MARK = "ENTWURF"


class LetterPDF(FPDF):
    """An A4 letter of the ministry: embedded font, PDF/A-2b, tagged structure."""

    def __init__(self, *, title: str, subject: str, created_at: datetime, draft: bool = False):
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance="PDF/A-2B")
        self.draft = draft
        for style in STYLES:
            self.add_font(FAMILY, style=style, fname=str(font_path(style)))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)  # `paragraph` breaks pages itself, line by line
        self.set_creation_date(created_at)
        self.set_lang("de-DE")
        self.set_title(clean(title))
        self.set_author(clean(" ".join(SENDER)))
        self.set_subject(clean(subject))
        self.set_producer("Antrag")
        self.set_creator("Antrag")
        self.set_display_mode("fullpage")
        self.viewer_preferences = archive.viewer_preferences()
        self.set_xmp_metadata(
            archive.xmp_metadata(
                title=clean(title),
                subject=clean(subject),
                author=self.author,
                created_at=created_at,
            )
        )
        archive.add_srgb_output_intent(self)

    # --- tagging --------------------------------------------------------------------------

    @contextmanager
    def tagged(self, struct_type: str):
        """Write what the block draws as one marked-content sequence of a new `struct_type`."""
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    @contextmanager
    def artifact(self):
        """Write what the block draws as an artifact (not part of the letter's text)."""
        self._out("/Artifact BMC")
        yield
        self._out("EMC")

    # --- pages ----------------------------------------------------------------------------

    def new_page(self) -> None:
        """Start a page, with the draft watermark when this is a preview."""
        font = (self.font_family or FAMILY, self.font_style, self.font_size_pt or 11)
        self.add_page()
        if self.draft:
            with self.artifact():
                self.set_font(FAMILY, style="B", size=90)
                self.set_text_color(225, 225, 225)
                with self.rotation(50, self.w / 2, self.h / 2):
                    self.text(self.w / 2 - 75, self.h / 2 + 12, DRAFT_MARK)
                self.set_text_color(0, 0, 0)
            self.set_xy(LEFT, TOP)
        self.set_font(*font)  # a paragraph broken across pages goes on in its own font

    def footer(self) -> None:
        """Page numbers and the sender on every page, as an artifact."""
        with self.artifact():
            self.set_y(-15)
            self.set_font(FAMILY, size=8)
            mark = f"{DRAFT_MARK} · " if self.draft else ""
            text = f"{mark}{SENDER[0]} {SENDER[1]} · Seite {self.page_no()} von {{nb}}"
            self.cell(0, 4, text, align="C")

    def ensure_room(self, height: float) -> None:
        """Start a new page unless `height` mm still fit above the bottom margin."""
        if self.get_y() + height > self.h - BOTTOM:
            self.new_page()

    # --- text -----------------------------------------------------------------------------

    def paragraph(
        self,
        text: str,
        *,
        size: float = 11,
        style: str = "",
        gap: float = 0,
        tag: str = "P",
        indent: float = 0,
        keep: float = 0,
    ) -> None:
        """Write a wrapped paragraph, then leave `gap` mm; `keep` mm must follow on its page."""
        self.set_font(FAMILY, style=style, size=size)
        height = LINE * size / 11
        width = self.w - LEFT - RIGHT - indent
        lines = self.multi_cell(
            width, height, clean(text), dry_run=True, output=MethodReturnValue.LINES
        )
        self.ensure_room(height * min(len(lines), 2) + keep)
        start = 0
        while start < len(lines):
            room = max(int((self.h - BOTTOM - self.get_y()) // height), 1)
            chunk = lines[start : start + room]
            with self.tagged(tag):
                for line in chunk:
                    self.set_x(LEFT + indent)
                    self.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            start += len(chunk)
            if start < len(lines):
                self.new_page()
        if gap:
            self.ln(gap)

    def heading(self, text: str, *, level: int = 2, gap: float = 1) -> None:
        """Write a bold heading (H1 for the letter's kind, H2 for its sections)."""
        size = 13 if level == 1 else 11
        self.paragraph(text, size=size, style="B", gap=gap, tag=f"H{level}", keep=3 * LINE)

    def figure_line(self, label: str, value: str, *, bold: bool = False) -> None:
        """Write one row of figures: the label left, the value right-aligned, as one P."""
        self.ensure_room(LINE)
        with self.tagged("P"):
            self.set_font(FAMILY, style="B" if bold else "", size=11)
            self.set_x(LEFT + 5)
            self.cell(110, LINE, clean(label))
            self.cell(45, LINE, clean(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # --- the head of the first page -------------------------------------------------------

    def letterhead(self) -> None:
        """The ministry's name at the top of the first page."""
        self.set_xy(LEFT, TOP)
        self.paragraph(SENDER[0], size=14, style="B")
        self.paragraph(SENDER[1], size=12)

    def address_field(self, lines: list[str]) -> None:
        """The return address line and the addressee's lines in the window of the envelope."""
        self.set_xy(LEFT, 50)
        with self.tagged("P"):
            self.set_font(FAMILY, style="U", size=7)
            self.cell(0, 4, " · ".join(SENDER + SENDER_ADDRESS), new_x=XPos.LMARGIN)
        self.set_y(58)
        with self.tagged("P"):
            self.set_font(FAMILY, size=11)
            for line in lines:
                self.cell(INFO_X - LEFT - 5, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def info_block(self, rows: list[tuple[str, str]]) -> None:
        """Labelled rows (Aktenzeichen, Datum, contact) beside the address field."""
        self.set_y(50)
        for label, value in rows:
            with self.tagged("P"):
                self.set_x(INFO_X)
                self.set_font(FAMILY, size=8)
                self.cell(0, 4, clean(label), new_x=XPos.LEFT, new_y=YPos.NEXT)
                self.set_font(FAMILY, size=10)
                self.cell(0, 5, one_line(value), new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.ln(1)

    def finish(self) -> bytes:
        """Return the PDF bytes."""
        return bytes(self.output())
