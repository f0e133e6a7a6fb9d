"""The content of the funding notice (Zuwendungsbescheid) as the issue lists it.

Legal basis §§ 23, 44 LHO with the VV-LHO and the programme's guideline; budget item; the
application's date; purpose and eligible costs per project; the financing plan; fixed-amount
financing worded without "höchstens"; the funding period; the ANBest-K in a named version
attached as pages; reasons; appeal instructions; the waiver offer; the signature block.
"""

from dataclasses import dataclass
from decimal import Decimal

from ..applications.models import FIELDS_OF_ACTION
from ..engine.calendar import BERLIN
from ..formats import format_amount
from . import anbest, appeal, parts
from .layout import LINE
from .text import amount_in_words, german_date, one_line

TITLE = "Zuwendungsbescheid"
SUBJECT = "Zuwendungsbescheid – Interkommunales Netzwerk Digitale Stadt"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FinancingPlan:
    """The figures of the financing plan the notice states."""

    total_cost: Decimal
    own_contribution: Decimal
    third_party_funds: Decimal
    grant: Decimal


def eur(amount) -> str:
    """Return an amount as the letter prints it: "60.750,00 EUR"."""
    return f"{format_amount(Decimal(amount or 0))} EUR"


def financing_plan(notice) -> FinancingPlan:
    """Return the plan of the application (plan part), or one built from its figures."""
    application = notice.application
    plan = getattr(application, "financing_plan", None)
    if callable(plan):
        found = plan()
        return FinancingPlan(
            Decimal(found.total_cost or 0),
            Decimal(found.own_contribution or 0),
            Decimal(found.third_party_funds or 0),
            Decimal(notice.amount),
        )
    projects = list(getattr(application, "projects", None) or [])
    total = sum((Decimal(p.estimated_cost or 0) for p in projects), ZERO)
    return FinancingPlan(
        total,
        Decimal(getattr(application, "own_contribution", None) or 0),
        Decimal(getattr(application, "third_party_funds", None) or 0),
        Decimal(notice.amount),
    )


def legal_basis(notice) -> str:
    """Return the sentence naming the legal basis, the guideline and its date."""
    programme = getattr(getattr(notice, "round", None), "programme", None)
    guideline = one_line(getattr(programme, "guideline_title", None))
    if not guideline and programme is not None:
        guideline = f"Förderrichtlinie des Programms „{one_line(programme.name)}“"
    day = getattr(programme, "guideline_date", None)
    guideline = f"{guideline} vom {german_date(day)}" if guideline and day else guideline
    text = (
        "Rechtsgrundlage: §§ 23 und 44 der Landeshaushaltsordnung Rheinland-Pfalz (LHO) und "
        "die Verwaltungsvorschriften hierzu (VV-LHO)"
    )
    return f"{text} sowie die {guideline}." if guideline else f"{text}."


def budget_item(notice) -> str | None:
    """Return "Kapitel 03 02, Titel 633 01" of the notice's round, or None when not set."""
    round_ = getattr(notice, "round", None)
    chapter = one_line(getattr(round_, "budget_chapter", None))
    title = one_line(getattr(round_, "budget_title", None))
    if not (chapter or title):
        return None
    return ", ".join(p for p in (chapter and f"Kapitel {chapter}", title and f"Titel {title}") if p)


def application_date(notice) -> str:
    """Return the day the application was submitted, as printed."""
    submitted = getattr(notice.application, "submitted_at", None)
    return german_date(submitted.astimezone(BERLIN).date()) if submitted else ""


def _tenor(pdf, notice) -> None:
    amount = Decimal(notice.amount)
    pdf.heading("I. Entscheidung")
    pdf.paragraph(
        "Das Ministerium des Innern und für Sport Rheinland-Pfalz bewilligt Ihnen für den unter "
        "II. genannten Zweck eine Zuwendung als nicht rückzahlbaren Zuschuss im Wege der "
        "Projektförderung als Festbetragsfinanzierung in Höhe von",
        gap=1,
    )
    pdf.paragraph(eur(amount), style="B")
    pdf.paragraph(f"(in Worten: {amount_in_words(amount)}).", gap=3)


def _details(pdf, notice) -> None:
    pdf.heading("II. Gegenstand und Umfang der Förderung")
    pdf.paragraph(legal_basis(notice), gap=1)
    item = budget_item(notice)
    if item:
        pdf.paragraph(f"Haushaltsstelle: {item}.", gap=1)
    day = application_date(notice)
    if day:
        pdf.paragraph(f"Antrag: Ihr Antrag vom {day}.", gap=2)
    pdf.paragraph("1. Zuwendungszweck", style="B", keep=LINE)
    pdf.paragraph(one_line(notice.purpose.split("\n")[0]), gap=1)
    for number, project in enumerate(notice.application.projects, start=1):
        field = FIELDS_OF_ACTION.get(project.field_of_action or "", "")
        title = f"Projekt {number}: {one_line(project.title)}"
        pdf.paragraph(f"{title} (Handlungsfeld: {field})" if field else title, style="B")
        if project.description:
            pdf.paragraph(f"Zweck: {one_line(project.description)}", indent=5)
        pdf.paragraph(f"Zuwendungsfähige Ausgaben: {eur(project.estimated_cost)}", indent=5, gap=1)
    pdf.ln(1)
    plan = financing_plan(notice)
    pdf.paragraph("2. Finanzierungsplan", style="B", keep=5 * LINE)
    pdf.figure_line("Zuwendungsfähige Gesamtausgaben", eur(plan.total_cost))
    pdf.figure_line("Eigenanteil der Kommune", eur(plan.own_contribution))
    pdf.figure_line("Mittel Dritter", eur(plan.third_party_funds))
    pdf.figure_line("Zuwendung des Landes (Festbetrag)", eur(plan.grant), bold=True)
    pdf.ln(2)
    pdf.paragraph("3. Finanzierungsart und Höhe", style="B", keep=LINE)
    pdf.paragraph(
        f"Festbetragsfinanzierung: Die Zuwendung wird als fester Betrag in Höhe von "
        f"{eur(notice.amount)} gewährt. Sie ermäßigt sich nicht, wenn die zuwendungsfähigen "
        "Ausgaben geringer ausfallen, solange sie den Festbetrag nicht unterschreiten und der "
        "Zuwendungszweck erreicht wird.",
        gap=2,
    )
    pdf.paragraph("4. Bewilligungszeitraum", style="B", keep=LINE)
    end = german_date(notice.period_end)
    issued_on = parts.letter_day(notice).astimezone(BERLIN).date()
    # The period starts with the notice (effect start_funding_period); a draft has no day yet.
    start = german_date(notice.period_start) if notice.period_start else None
    if start is None:
        period = f"beginnt mit dem Datum dieses Bescheids und endet am {end}"
    elif notice.period_start == issued_on:
        period = f"beginnt mit dem Datum dieses Bescheids ({start}) und endet am {end}"
    else:
        period = f"reicht vom {start} bis zum {end}"
    pdf.paragraph(f"Der Bewilligungszeitraum {period}.", gap=1)
    _early_start(pdf, notice.application)
    pdf.ln(2)


def _early_start(pdf, application) -> None:
    """State the decision on an early start (plan part), when the city asked for one."""
    if not getattr(application, "early_start_requested", False):
        return
    decided = getattr(application, "early_start_decided_on", None)
    if getattr(application, "early_start_approved", None) and decided:
        pdf.paragraph(
            f"Dem vorzeitigen Maßnahmebeginn wurde am {german_date(decided)} zugestimmt; "
            "Ausgaben ab diesem Tag sind zuwendungsfähig.",
            gap=1,
        )


def _conditions(pdf, conditions: anbest.Conditions) -> None:
    pdf.heading("III. Nebenbestimmungen")
    pdf.paragraph(
        f"1. Die {conditions.title.replace('Allgemeine ', 'Allgemeinen ', 1)} in der Fassung "
        f"vom {german_date(conditions.date)} ({conditions.version}) sind Bestandteil dieses "
        "Bescheids. Sie sind ihm als Anlage beigefügt.",
        gap=1,
    )
    pdf.paragraph(
        "2. Die Zuwendung darf nur insoweit und nicht eher abgerufen werden, als sie für "
        "fällige Zahlungen im Rahmen des Zuwendungszwecks benötigt wird (Mittelabruf im "
        "Portal), und erst, wenn dieser Bescheid bestandskräftig ist.",
        gap=1,
    )
    pdf.paragraph(
        "3. Die Verwendung der Zuwendung ist innerhalb von sechs Monaten nach Ablauf des "
        "Bewilligungszeitraums nachzuweisen (Verwendungsnachweis mit Sachbericht und "
        "zahlenmäßigem Nachweis).",
        gap=3,
    )


def _reasons(pdf, notice) -> None:
    pdf.heading("IV. Begründung")
    pdf.paragraph(
        "Sie haben eine Zuwendung für den Beitritt zum Interkommunalen Netzwerk Digitale Stadt "
        "und für die genannten Digitalisierungsprojekte beantragt. Das Land hat an der "
        "Digitalisierung der Kommunen und am Austausch im Netzwerk ein erhebliches Interesse, "
        "das ohne die Zuwendung nicht im notwendigen Umfang befriedigt werden könnte (§ 23 LHO). "
        "Ihr Antrag erfüllt die Voraussetzungen der Förderrichtlinie; die Mittel stehen im "
        "Haushalt zur Verfügung. Das Ministerium hat über den Antrag nach pflichtgemäßem "
        "Ermessen entschieden und ihm in vollem Umfang entsprochen. Die Festbetragsfinanzierung "
        "ist gewählt, weil die Zuwendung für alle Mitgliedskommunen gleich bemessen ist.",
        gap=3,
    )


def render(pdf, notice, signer, conditions: anbest.Conditions) -> None:
    """Write the whole funding notice, its conditions attached as the last pages."""
    parts.head(pdf, notice, signer)
    pdf.heading(f"{TITLE} – Interkommunales Netzwerk Digitale Stadt", level=1, gap=3)
    pdf.paragraph("Sehr geehrte Damen und Herren,", gap=2)
    pdf.paragraph(
        f"auf Ihren Antrag ergeht an die {parts.addressee_line(notice)}, folgender "
        "Zuwendungsbescheid:",
        gap=3,
    )
    _tenor(pdf, notice)
    _details(pdf, notice)
    _conditions(pdf, conditions)
    _reasons(pdf, notice)
    appeal.write(pdf, notice.court, waiver=True)
    parts.signature(pdf, signer)
    anbest.write_pages(pdf, conditions)
