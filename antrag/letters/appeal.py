"""The appeal instructions (Rechtsbehelfsbelehrung) every notice of the ministry carries.

- Action (Klage) within one month after the notice is made known: § 74 Abs. 1 Satz 2 VwGO;
  no objection procedure against an act of a supreme state authority: § 68 Abs. 1 Satz 2
  Nr. 1 VwGO. The instructions name the court, its seat and the period (§ 58 Abs. 1 VwGO);
  the court is the one of the addressee's district (`notice.court`, § 52 Nr. 3 Satz 2 VwGO).
- The action is filed in writing or to the record of the court's registry (§ 81 Abs. 1
  VwGO); an electronic document under § 55a VwGO satisfies the written form (BVerwG,
  judgment of 25 January 2021, 9 C 8.19). Authorities and legal persons under public law –
  a municipality is one – must file as an electronic document since 1 January 2022
  (§ 55d Satz 1 VwGO); a plain e-mail is no such document.

The waiver offer is not part of the instructions: it follows them under its own heading.
"""

from .text import one_line

HEADING = "Rechtsbehelfsbelehrung"
WAIVER_HEADING = "Hinweis: Verzicht auf die Klage"


def instructions(court, *, act: str = "diesen Bescheid") -> list[str]:
    """Return the paragraphs of the appeal instructions naming `court` (a law.courts.Court)."""
    return [
        f"Gegen {act} kann innerhalb eines Monats nach seiner Bekanntgabe Klage "
        f"beim {one_line(court.address)}, erhoben werden. Ein Widerspruchsverfahren findet "
        "nicht statt, weil der Bescheid von einer obersten Landesbehörde erlassen worden ist "
        "(§ 68 Abs. 1 Satz 2 Nr. 1 VwGO).",
        "Die Klage ist schriftlich oder zur Niederschrift des Urkundsbeamten der "
        "Geschäftsstelle zu erheben. Sie kann auch als elektronisches Dokument nach Maßgabe "
        "des § 55a der Verwaltungsgerichtsordnung (VwGO) und der Elektronischer-Rechtsverkehr-"
        "Verordnung eingereicht werden; eine einfache E-Mail genügt nicht.",
        "Behörden und juristische Personen des öffentlichen Rechts – auch Gemeinden und "
        "Städte – müssen die Klage als elektronisches Dokument übermitteln (§ 55d Satz 1 "
        "VwGO); ist dies aus technischen Gründen vorübergehend unmöglich, bleibt die "
        "Übermittlung nach den allgemeinen Vorschriften zulässig (§ 55d Satz 3 VwGO).",
    ]


def waiver_offer() -> list[str]:
    """Return the paragraphs offering the waiver of the action (outside the instructions)."""
    return [
        "Sie können nach der Bekanntgabe dieses Bescheids auf die Erhebung der Klage "
        "verzichten, wenn Sie keine Einwände gegen ihn haben. Den Verzicht erklärt eine Person, "
        "die Ihre Kommune vertreten darf (§ 47 Abs. 1 GemO), im Portal beim Bescheid. Der "
        "Verzicht kann nicht widerrufen werden; der Bescheid wird mit ihm sofort "
        "bestandskräftig, und die Mittel können abgerufen werden. Ohne Verzicht wird der "
        "Bescheid mit Ablauf der Klagefrist bestandskräftig.",
    ]


def write(pdf, court, *, act: str = "diesen Bescheid", waiver: bool = False) -> None:
    """Write the instructions as their own section, then (if `waiver`) the waiver offer."""
    pdf.heading(HEADING)
    for text in instructions(court, act=act):
        pdf.paragraph(text, gap=1)
    pdf.ln(3)
    if waiver:
        pdf.heading(WAIVER_HEADING)
        for text in waiver_offer():
            pdf.paragraph(text, gap=1)
        pdf.ln(3)
