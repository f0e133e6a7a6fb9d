"""The funding notice as a PDF letter (DIN 5008-like layout) and amounts in German words.

The PDF uses the PDF core font Helvetica with Windows-1252 (the font's WinAnsiEncoding):
every PDF reader has it, nothing beyond pip has to be installed (CI starts from a fresh
Debian), and the bytes do not depend on the fonts of the machine. Windows-1252 covers the
German letters (ä ö ü ß), dashes and quotes; any other character is reduced to its base
letter (Ś → S) or replaced by "?" (ł, 漢, emoji): odd names never crash the rendering.
"""

import unicodedata
from decimal import Decimal

from fpdf import FPDF, XPos, YPos
from num2words import num2words

from ..db_types import CENT, utcnow
from ..engine.calendar import BERLIN
from ..formats import format_amount
from ..law.courts import competent_court

ENCODING = "cp1252"
FONT = "Helvetica"
SENDER = ("Ministerium des Innern und für Sport", "Rheinland-Pfalz")
SENDER_ADDRESS = ("Schillerplatz 3-5", "55116 Mainz")
SUBJECT = "Zuwendungsbescheid – Interkommunales Netzwerk Digitale Stadt"
LEFT, RIGHT, TOP = 25, 20, 15  # mm; DIN 5008 form B margins
INFO_X = 125  # mm; the information block beside the address field
LINE = 5  # mm per line of 11 pt body text


def _words(number: int) -> str:
    """Return `number` in German words as used before a unit ("ein Euro", not "eins Euro")."""
    words = num2words(number, lang="de")
    return words[:-1] if words.endswith("eins") else words


def amount_in_words(amount: Decimal) -> str:
    """Return a euro amount in German words, e.g. "sechzigtausendsiebenhundertfünfzig Euro"."""
    amount = Decimal(amount)
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"{amount} is not an amount of whole cents")
    euros = int(amount)
    cents = int((amount - euros) * 100)
    words = f"{_words(euros)} Euro"
    return f"{words} und {cents} Cent" if cents else words


def clean(text: object) -> str:
    """Return `text` reduced to what the PDF font can show: odd characters never crash."""
    result = []
    for char in unicodedata.normalize("NFC", "" if text is None else str(text)):
        if char == "\n":
            result.append(char)
        elif unicodedata.category(char).startswith(("C", "Z")):
            result.append(" ")  # tabs, control and format characters, exotic spaces
        elif _encodable(char):
            result.append(char)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            result.append(base if base and _encodable(base) else "?")
    return "".join(result)


def _encodable(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _address_lines(notice) -> list[str]:
    """Return the addressee block: name, head of administration, address; no line twice."""
    lines = [notice.addressee_name, notice.addressee_head]
    for part in (notice.addressee_address or "").replace(",", "\n").split("\n"):
        lines.append(part)
    seen, result = set(), []
    for line in lines:
        line = " ".join(clean(line).split())
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            result.append(line)
    return result[:7]


def _german_date(day) -> str:
    return day.strftime("%d.%m.%Y")


class _NoticePDF(FPDF):
    """A4 letter with page numbers in the footer."""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.cell(0, 4, f"{SENDER[0]} {SENDER[1]} · Seite {self.page_no()} von {{nb}}", align="C")


class _Letter:
    """Writes the parts of the notice onto a `_NoticePDF`, top to bottom."""

    def __init__(self, pdf: _NoticePDF):
        self.pdf = pdf

    def text(self, text: str, *, size: float = 11, style: str = "", gap: float = 0) -> None:
        """Write a wrapped paragraph across the text width, then leave `gap` mm."""
        self.pdf.set_font(FONT, style=style, size=size)
        self.pdf.multi_cell(0, LINE, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            self.pdf.ln(gap)

    def heading(self, text: str) -> None:
        self.text(text, style="B", gap=1)

    def letterhead(self) -> None:
        pdf = self.pdf
        pdf.set_xy(LEFT, TOP)
        pdf.set_font(FONT, style="B", size=14)
        pdf.cell(0, 7, SENDER[0], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, size=12)
        pdf.cell(0, 6, SENDER[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def address_field(self, notice) -> None:
        pdf = self.pdf
        pdf.set_xy(LEFT, 50)
        pdf.set_font(FONT, style="U", size=7)
        pdf.cell(0, 4, " · ".join(SENDER + SENDER_ADDRESS), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, size=11)
        pdf.set_y(58)
        for line in _address_lines(notice):
            pdf.cell(INFO_X - LEFT - 5, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def info_block(self, rows: list[tuple[str, str]]) -> None:
        pdf = self.pdf
        pdf.set_y(50)
        for label, value in rows:
            pdf.set_x(INFO_X)
            pdf.set_font(FONT, size=8)
            pdf.cell(0, 4, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(FONT, size=10)
            pdf.cell(0, 5, clean(value), new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.ln(1)


def _body(letter: _Letter, notice, signer) -> None:
    """Write subject, grant, conditions, appeal instructions and signature."""
    amount = Decimal(notice.amount)
    # The period starts with the notice; a draft does not know the day yet.
    start = (
        _german_date(notice.period_start) if notice.period_start else "Bekanntgabe dieses Bescheids"
    )
    period = (
        f"{'ab ' if not notice.period_start else ''}{start} bis {_german_date(notice.period_end)}"
    )
    letter.pdf.set_y(105)
    letter.text(SUBJECT, style="B", gap=6)
    letter.text("Sehr geehrte Damen und Herren,", gap=3)
    letter.text(
        "auf Ihren Antrag auf Beitritt zum Interkommunalen Netzwerk Digitale Stadt mit "
        "Förderantrag ergeht folgender",
        gap=2,
    )
    letter.text("Zuwendungsbescheid", style="B", gap=3)
    letter.heading("I. Bewilligung")
    letter.text(
        "Das Ministerium des Innern und für Sport Rheinland-Pfalz bewilligt Ihnen für den "
        "nachstehend genannten Zweck eine Zuwendung als nicht rückzahlbaren Zuschuss "
        "(Projektförderung) in Höhe von",
        gap=2,
    )
    letter.text(f"{format_amount(amount)} EUR", style="B")
    letter.text(f"(in Worten: {amount_in_words(amount)}).", gap=3)
    letter.text(f"1. Zuwendungszweck: {notice.purpose}", gap=1)
    letter.text(f"2. Bewilligungszeitraum: {period}", gap=1)
    letter.text(
        f"3. Finanzierungsart: {notice.financing_type} als nicht rückzahlbarer Zuschuss "
        "im Wege der Projektförderung",
        gap=1,
    )
    letter.text(
        f"4. Höhe der Zuwendung: höchstens {format_amount(amount)} EUR. Der Betrag ist fest; "
        "Minderausgaben bis zu seiner Höhe mindern die Zuwendung nicht, soweit der "
        "Zuwendungszweck erreicht wird.",
        gap=4,
    )
    letter.heading("II. Nebenbestimmungen")
    letter.text(
        "1. Die Allgemeinen Nebenbestimmungen für Zuwendungen zur Projektförderung an "
        "kommunale Gebietskörperschaften (ANBest-K) in der jeweils geltenden Fassung werden "
        "zum Bestandteil dieses Bescheids erklärt.",
        gap=1,
    )
    letter.text(
        "2. Die Zuwendung darf nur insoweit und nicht eher abgerufen werden, als sie für "
        "fällige Zahlungen im Rahmen des Zuwendungszwecks benötigt wird (Mittelabruf nach "
        "Bedarf).",
        gap=1,
    )
    letter.text(
        "3. Die Verwendung der Zuwendung ist innerhalb von sechs Monaten nach Ablauf des "
        "Bewilligungszeitraums nachzuweisen (Verwendungsnachweis mit Sachbericht und "
        "zahlenmäßigem Nachweis).",
        gap=4,
    )
    letter.heading("III. Rechtsbehelfsbelehrung")
    # The ministry's competence covers every court district: the addressee's seat decides.
    court = competent_court(notice.municipality.ags)  # as FundingNotice.court
    letter.text(
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage "
        f"beim {court.address}, schriftlich, in elektronischer Form oder zur Niederschrift des "
        "Urkundsbeamten der Geschäftsstelle erhoben werden. Ein Widerspruchsverfahren findet "
        "nicht statt, weil der Bescheid von einer obersten Landesbehörde erlassen worden ist "
        "(§ 68 Abs. 1 Satz 2 Nr. 1 VwGO).",
        gap=1,
    )
    letter.text(
        "Sie können auf Rechtsbehelfe verzichten; der Bescheid wird dann sofort bestandskräftig "
        "und die Mittel können abgerufen werden.",
        gap=6,
    )
    letter.text("Mit freundlichen Grüßen", gap=2)
    letter.text("Im Auftrag", gap=10)
    letter.text(signer.name if signer is not None else "")


def render_notice_pdf(notice, signer) -> bytes:
    """Return the funding notice of `notice`, signed by `signer`, as PDF bytes."""
    issued_at = notice.issued_at or utcnow()
    pdf = _NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_creation_date(issued_at)
    pdf.set_lang("de-DE")
    pdf.set_title(clean(f"Zuwendungsbescheid {notice.file_reference}"))
    pdf.set_author(clean(" ".join(SENDER)))
    pdf.set_subject(clean(f"{SUBJECT} – {notice.addressee_name}"))
    pdf.add_page()
    letter = _Letter(pdf)
    letter.letterhead()
    letter.address_field(notice)
    letter.info_block(
        [
            ("Aktenzeichen", notice.file_reference),
            ("Datum", _german_date(issued_at.astimezone(BERLIN).date())),
            ("Anschrift", ", ".join(SENDER_ADDRESS)),
        ]
    )
    _body(letter, notice, signer)
    return bytes(pdf.output())
