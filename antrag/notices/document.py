"""The rejection notice as a PDF letter, in the layout of the funding notice.

A stand-in until the letters part (`antrag.letters.render_rejection_notice`) is merged:
tenor, reasons (§ 39 VwVfG), instructions on the action with the competent court
(§ 58 (1) VwGO) and the signature.
"""

from ..db_types import utcnow
from ..engine.calendar import BERLIN
from ..funding.document import (
    ENCODING,
    LEFT,
    RIGHT,
    SENDER,
    SENDER_ADDRESS,
    TOP,
    _german_date,
    _Letter,
    _NoticePDF,
    clean,
)

SUBJECT = "Ablehnungsbescheid – Interkommunales Netzwerk Digitale Stadt"


def _body(letter: _Letter, notice, signer) -> None:
    """Write subject, tenor, reasons, appeal instructions and signature."""
    application = notice.application
    round_name = getattr(getattr(application, "round", None), "name", "") or ""
    letter.pdf.set_y(105)
    letter.text(SUBJECT, style="B", gap=6)
    letter.text("Sehr geehrte Damen und Herren,", gap=3)
    letter.text(
        "auf Ihren Antrag auf Beitritt zum Interkommunalen Netzwerk Digitale Stadt mit "
        f"Förderantrag{f' in der Runde {round_name}' if round_name else ''} ergeht folgender",
        gap=2,
    )
    letter.text("Ablehnungsbescheid", style="B", gap=3)
    letter.heading("I. Entscheidung")
    letter.text(
        "Ihr Antrag auf Gewährung einer Zuwendung wird abgelehnt. Auf die Zuwendung besteht "
        "kein Rechtsanspruch; das Ministerium entscheidet nach pflichtgemäßem Ermessen im "
        "Rahmen der verfügbaren Haushaltsmittel.",
        gap=4,
    )
    letter.heading("II. Begründung")
    letter.text(notice.reasons or "", gap=4)
    letter.heading("III. Rechtsbehelfsbelehrung")
    letter.text(
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage "
        f"beim {notice.court.address}, schriftlich, in elektronischer Form oder zur "
        "Niederschrift des Urkundsbeamten der Geschäftsstelle erhoben werden. Ein "
        "Widerspruchsverfahren findet nicht statt, weil der Bescheid von einer obersten "
        "Landesbehörde erlassen worden ist (§ 68 Abs. 1 Satz 2 Nr. 1 VwGO).",
        gap=6,
    )
    letter.text("Mit freundlichen Grüßen", gap=2)
    letter.text("Im Auftrag", gap=10)
    letter.text(signer.name if signer is not None else "")


def render_rejection_pdf(notice, signer) -> bytes:
    """Return the rejection notice of `notice`, signed by `signer`, as PDF bytes."""
    issued_at = notice.issued_at or utcnow()
    pdf = _NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_creation_date(issued_at)
    pdf.set_lang("de-DE")
    pdf.set_title(clean(f"Ablehnungsbescheid {notice.file_reference}"))
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
