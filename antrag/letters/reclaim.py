"""The letters of the reclaim: the hearing letter and the reclaim notice.

- Hearing letter (Anhörung, § 28 Abs. 1 VwVfG): before an administrative act that
  interferes with the city's rights, it is given the chance to comment on the decisive
  facts. The letter is no administrative act: no tenor, no appeal instructions.
- Reclaim notice (Rückforderungsbescheid): partial revocation of the funding notice
  (§ 49 Abs. 3 Satz 1 VwVfG), the amount to be repaid fixed by written act (§ 49a Abs. 1
  VwVfG), interest at five points above the base rate (§ 49a Abs. 3 VwVfG) with its
  calculation, the payment deadline, reasons (§ 39 VwVfG) and appeal instructions.
"""

from datetime import date
from decimal import Decimal

from fpdf import XPos, YPos

from ..engine.calendar import BERLIN
from . import appeal, parts
from .fonts import FAMILY
from .funding import eur
from .layout import LINE
from .text import amount_in_words, clean, german_date

HEARING_TITLE = "Anhörung"
TITLE = "Rückforderungsbescheid"
SUBJECT = "Rückforderung – Interkommunales Netzwerk Digitale Stadt"
CENT = Decimal("0.01")
COLUMNS = (("Zeitraum", 58), ("Tage", 16), ("Basiszins", 24), ("Zinssatz", 22), ("Zinsen", 40))


def percent(value) -> str:
    """Return a rate as the letters print it: 8,62 %."""
    return f"{value:.2f} %".replace(".", ",")


def _notice_line(reclaim) -> str:
    notice = reclaim.notice
    issued = notice.issued_at.astimezone(BERLIN).date() if notice.issued_at else None
    day = f" vom {german_date(issued)}" if issued else ""
    return f"Zuwendungsbescheid{day} (Aktenzeichen {notice.file_reference})"


def _letter_day(reclaim) -> date:
    return parts.letter_day(reclaim).astimezone(BERLIN).date()


def render_hearing(pdf, reclaim, signer) -> None:
    """Write the hearing letter."""
    parts.head(pdf, reclaim, signer)
    pdf.heading(f"{HEARING_TITLE} nach § 28 VwVfG – beabsichtigte Rückforderung", level=1, gap=3)
    pdf.paragraph(f"Ihr {_notice_line(reclaim)}", gap=2)
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    pdf.paragraph(
        "das Ministerium beabsichtigt, den oben genannten Zuwendungsbescheid teilweise zu "
        f"widerrufen und einen Betrag von {eur(reclaim.amount)} "
        f"({amount_in_words(reclaim.amount)}) zurückzufordern (§§ 49 Abs. 3, 49a Abs. 1 VwVfG). "
        "Der zu erstattende Betrag wäre vom Eintritt der Unwirksamkeit an mit fünf "
        "Prozentpunkten über dem Basiszinssatz jährlich zu verzinsen (§ 49a Abs. 3 VwVfG).",
        gap=2,
    )
    pdf.heading("Sachverhalt")
    pdf.paragraph(reclaim.reason, gap=2)
    pdf.heading("Gelegenheit zur Stellungnahme")
    pdf.paragraph(
        "Bevor das Ministerium entscheidet, geben wir Ihnen Gelegenheit, sich zu den für die "
        "Entscheidung erheblichen Tatsachen zu äußern (§ 28 Abs. 1 VwVfG). Bitte nehmen Sie "
        f"bis zum {german_date(reclaim.hearing_deadline)} Stellung, am einfachsten im Portal "
        "Antrag beim Vorgang der Rückforderung; Unterlagen können Sie als PDF beifügen.",
        gap=2,
    )
    pdf.paragraph(
        "Äußern Sie sich bis dahin nicht, entscheidet das Ministerium nach Aktenlage. Dieses "
        "Schreiben ist kein Bescheid; über die Rückforderung ergeht gegebenenfalls ein "
        "gesonderter Bescheid mit Rechtsbehelfsbelehrung.",
        gap=3,
    )
    parts.signature(pdf, signer)


def _table_row(pdf, cells, *, bold: bool = False) -> None:
    pdf.ensure_room(LINE)
    with pdf.tagged("P"):
        pdf.set_font(FAMILY, style="B" if bold else "", size=10)
        pdf.set_x(pdf.l_margin)
        for index, (text, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True)):
            pdf.cell(width, LINE, clean(text), align="L" if index == 0 else "R")
        pdf.cell(0, LINE, "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def interest_table(pdf, calculation) -> None:
    """Write the interest periods (days, base rate, rate, interest) and their total."""
    _table_row(pdf, [name for name, _ in COLUMNS], bold=True)
    for p in calculation.periods:
        span = f"{german_date(p.first)} – {german_date(p.last)}"
        mark = " *" if p.provisional else ""
        _table_row(
            pdf,
            [span, str(p.days), percent(p.base_rate), percent(p.rate), eur(p.interest) + mark],
        )
    _table_row(pdf, ["Zinsen insgesamt", "", "", "", eur(calculation.total)], bold=True)
    pdf.ln(2)


def render_notice(pdf, reclaim, signer, calculation, day_count: str) -> None:
    """Write the whole reclaim notice; `calculation` is the interest to the letter day."""
    parts.head(pdf, reclaim, signer)
    pdf.heading(f"{TITLE} – Interkommunales Netzwerk Digitale Stadt", level=1, gap=3)
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    pdf.paragraph(
        f"zu Ihrem {_notice_line(reclaim)} ergeht an die {parts.addressee_line(reclaim)}, "
        "folgender Bescheid:",
        gap=3,
    )
    start = german_date(reclaim.interest_from)
    pdf.heading("I. Entscheidung")
    pdf.paragraph(
        f"1. Der {_notice_line(reclaim)} wird in Höhe von {eur(reclaim.amount)} mit Wirkung "
        f"vom {start} an widerrufen.",
        gap=1,
    )
    pdf.paragraph(
        f"2. Der zu erstattende Betrag wird auf {eur(reclaim.amount)} "
        f"({amount_in_words(reclaim.amount)}) festgesetzt.",
        gap=1,
    )
    pdf.paragraph(
        f"3. Der Erstattungsbetrag ist vom {start} an bis zum Tag des Zahlungseingangs mit "
        "fünf Prozentpunkten über dem jeweiligen Basiszinssatz (§ 247 BGB) jährlich zu "
        "verzinsen.",
        gap=1,
    )
    due = (
        f"bis zum {german_date(reclaim.payment_due_on)}"
        if reclaim.payment_due_on
        else "innerhalb eines Monats nach Bekanntgabe dieses Bescheids"
    )
    pdf.paragraph(f"4. Der Erstattungsbetrag und die Zinsen sind {due} zu zahlen.", gap=3)
    pdf.heading("II. Begründung")
    for text in (reclaim.reason, reclaim.hearing_outcome, reclaim.decision_reasons):
        for block in (text or "").split("\n\n"):
            if block.strip():
                pdf.paragraph(block.strip(), gap=2)
    pdf.paragraph(
        "Rechtsgrundlage des Widerrufs ist § 49 Abs. 3 Satz 1 VwVfG, die Erstattung folgt aus "
        "§ 49a Abs. 1 VwVfG, die Verzinsung aus § 49a Abs. 3 Satz 1 VwVfG. Der Widerruf "
        "ergeht innerhalb eines Jahres, seit das Ministerium die ihn rechtfertigenden "
        f"Tatsachen am {german_date(reclaim.facts_known_on)} kennt (§ 49 Abs. 3 Satz 2 mit "
        "§ 48 Abs. 4 VwVfG).",
        gap=3,
    )
    pdf.heading("III. Zinsberechnung")
    convention = "365 Tage" if day_count == "act/365" else "die tatsächlichen Tage des Jahres"
    pdf.paragraph(
        f"Zinsen auf {eur(reclaim.amount)} vom Tag nach dem {start} bis zum Tag dieses "
        f"Bescheids ({german_date(_letter_day(reclaim))}), je Zeitraum gleichen Basiszinssatzes "
        f"tageweise berechnet (Jahr zu {convention}) und je Zeitraum auf volle Cent gerundet:",
        gap=2,
    )
    interest_table(pdf, calculation)
    last_rate = calculation.periods[-1].rate if calculation.periods else None
    if last_rate is not None:
        daily = reclaim.amount * last_rate / 100 / 365
        pdf.paragraph(
            f"Bis zum Zahlungseingang laufen weitere Zinsen von derzeit {percent(last_rate)} "
            f"jährlich, das sind rund {eur(daily.quantize(CENT))} je Tag. Die Zinsen "
            "werden mit dem Tag des Zahlungseingangs abschließend berechnet.",
            gap=2,
        )
    if calculation.provisional:
        pdf.paragraph("* vorläufig: Der Basiszinssatz dieses Zeitraums ist noch nicht bekannt.")
    pdf.paragraph(
        f"Bitte geben Sie bei der Zahlung das Aktenzeichen {reclaim.file_reference} an.", gap=3
    )
    appeal.write(pdf, reclaim.court)
    parts.signature(pdf, signer)
