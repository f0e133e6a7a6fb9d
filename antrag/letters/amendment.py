"""The content of the amendment notice (Änderungsbescheid) to a funding notice.

It refers to the original notice (its date and file reference), states each change as a
numbered operative part (Tenor), leaves the rest of the notice unchanged, gives the reasons
(§ 39 Abs. 1 VwVfG), the appeal instructions and the waiver offer. Its legal bases: the
partial revocation of a granted amount before payment (§ 49 Abs. 2 Satz 1 and Abs. 3
VwVfG; which ground of § 49 carries it in the single case – a reservation, the city's own
request – is for the reasons the clerk writes), a further condition (an Auflage, § 36
Abs. 2 Nr. 4 VwVfG; adding one later needs a reservation, § 36 Abs. 2 Nr. 5, or the city's
consent), and an extension of the funding period, which only favours the city. It takes
effect when made known (§ 43 Abs. 1 VwVfG). Sources: gesetze-im-internet.de/vwvfg; § 1
Abs. 1 LVwVfG Rheinland-Pfalz applies the federal VwVfG.
"""

from decimal import Decimal

from ..engine.calendar import BERLIN
from . import appeal, parts
from .funding import eur
from .text import amount_in_words, german_date

TITLE = "Änderungsbescheid"
SUBJECT = "Änderungsbescheid zum Zuwendungsbescheid – Interkommunales Netzwerk Digitale Stadt"
EFFECT = (
    "Dieser Bescheid wird mit seiner Bekanntgabe wirksam (§ 43 Abs. 1 VwVfG). Die Änderungen "
    "gelten ab diesem Tag."
)
WAIVER = (
    "Sie können nach der Bekanntgabe dieses Bescheids auf die Erhebung der Klage verzichten, "
    "wenn Sie keine Einwände gegen ihn haben. Den Verzicht erklärt eine Person, die Ihre "
    "Kommune vertreten darf (§ 47 Abs. 1 GemO), im Portal beim Änderungsbescheid. Der Verzicht "
    "kann nicht widerrufen werden; der Bescheid wird mit ihm sofort bestandskräftig. Ohne "
    "Verzicht wird er mit Ablauf der Klagefrist bestandskräftig."
)


def original_day(notice) -> str:
    """Return the date of the original funding notice, as printed."""
    issued = notice.notice.issued_at
    return german_date(issued.astimezone(BERLIN).date()) if issued else ""


def operative_parts(notice) -> list[str]:
    """Return the numbered changes of the tenor, one sentence each."""
    original = notice.notice
    day = original_day(notice)
    parts_ = []
    if notice.new_period_end is not None:
        parts_.append(
            f"Der Bewilligungszeitraum (Nr. II.4 des Bescheids vom {day}) wird bis zum "
            f"{german_date(notice.new_period_end)} verlängert. Der Verwendungsnachweis ist "
            "innerhalb von sechs Monaten nach Ablauf des verlängerten Bewilligungszeitraums "
            "vorzulegen."
        )
    if notice.new_amount is not None:
        before = notice.previous_amount or original.amount
        reduction = Decimal(before) - Decimal(notice.new_amount)
        parts_.append(
            f"Der Bescheid vom {day} wird hinsichtlich eines Teilbetrags von {eur(reduction)} "
            f"mit Wirkung für die Zukunft widerrufen. Die Zuwendung (Nr. I des Bescheids) "
            f"beträgt damit {eur(notice.new_amount)} (in Worten: "
            f"{amount_in_words(Decimal(notice.new_amount))}) statt bisher {eur(before)}."
        )
    if notice.additional_condition:
        parts_.append(
            f"Dem Bescheid vom {day} wird folgende Auflage beigefügt (Nr. III): "
            f"{' '.join(notice.additional_condition.split())}"
        )
    return parts_


def legal_bases(notice) -> list[str]:
    """Return the sentences naming the legal basis of each change."""
    bases = []
    if notice.new_amount is not None:
        bases.append(
            "Der teilweise Widerruf beruht auf § 49 Abs. 2 Satz 1 und Abs. 3 des "
            "Verwaltungsverfahrensgesetzes (VwVfG) in Verbindung mit § 1 Abs. 1 des "
            "Landesverwaltungsverfahrensgesetzes (LVwVfG); der widerrufene Teil ist weder "
            "abgerufen noch ausgezahlt."
        )
    if notice.additional_condition:
        bases.append(
            "Die Auflage beruht auf § 36 Abs. 2 Nr. 4 VwVfG; sie sichert die Erfüllung des "
            "Zuwendungszwecks."
        )
    if notice.new_period_end is not None:
        bases.append(
            "Die Verlängerung des Bewilligungszeitraums begünstigt Sie; sie ergeht im Rahmen "
            "der Verwaltungsvorschriften zu § 44 LHO."
        )
    return bases


def render(pdf, notice, signer) -> None:
    """Write the whole amendment notice."""
    original = notice.notice
    day = original_day(notice)
    parts.head(pdf, notice, signer)
    pdf.heading(f"{TITLE} – Interkommunales Netzwerk Digitale Stadt", level=1, gap=3)
    pdf.paragraph(
        f"Bezug: Zuwendungsbescheid vom {day}, Aktenzeichen {original.file_reference}", gap=2
    )
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    pdf.paragraph(
        f"der Zuwendungsbescheid vom {day} (Aktenzeichen {original.file_reference}) an die "
        f"{parts.addressee_line(notice)}, wird wie folgt geändert:",
        gap=3,
    )
    pdf.heading("I. Entscheidung")
    for number, text in enumerate(operative_parts(notice), start=1):
        pdf.paragraph(f"{number}. {text}", gap=1)
    pdf.paragraph(f"Im Übrigen bleibt der Bescheid vom {day} unberührt.", gap=1)
    pdf.paragraph(EFFECT, gap=3)
    pdf.heading("II. Begründung")
    for text in (notice.reasons or "").split("\n\n"):
        if text.strip():
            pdf.paragraph(text.strip(), gap=2)
    for text in legal_bases(notice):
        pdf.paragraph(text, gap=1)
    pdf.ln(2)
    appeal.write(pdf, notice.court)
    pdf.heading(appeal.WAIVER_HEADING)
    pdf.paragraph(WAIVER, gap=3)
    parts.signature(pdf, signer)
