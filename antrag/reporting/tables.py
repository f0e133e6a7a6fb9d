"""The tables that can be exported: applications, notices, payments, meetings and registrations."""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..applications.models import Application
from ..engine.workflows import workflows
from ..extensions import db
from ..funding.models import CallOff, FundingNotice
from ..meetings.models import Meeting, MeetingRegistration
from .exports import DATE, DATETIME, INTEGER, MONEY, Column, Table

TITLES = {
    "antraege": _l("Anträge"),
    "bescheide": _l("Zuwendungsbescheide"),
    "auszahlungen": _l("Auszahlungen (Mittelabrufe)"),
    "anmeldungen": _l("Anmeldungen zu Netzwerktreffen"),
    "netzwerktreffen": _l("Netzwerktreffen mit Teilnehmendenzahlen"),
}


def _state_label(case) -> str:
    """Return the German label of a case's state from its workflow definition."""
    definition = workflows().get(case.workflow, case.workflow_version)
    state = definition.states.get(case.state)
    return state.label if state is not None else case.state


def applications() -> Table:
    """Return every submitted application with its round, city, state and funding request.

    Drafts are left out: they are the city's alone until submitted (Application.can_view),
    and the ministry exports only what it may see.
    """
    found = db.session.scalars(
        select(Application).where(Application.submitted_at.is_not(None)).order_by(Application.id)
    )
    return Table(
        "antraege",
        TITLES["antraege"],
        [
            Column(_l("Antrag-Nr."), INTEGER),
            Column(_l("Antragsrunde")),
            Column(_l("Kommune")),
            Column(_l("AGS")),
            Column(_l("Status")),
            Column(_l("Status (Schlüssel)")),
            Column(_l("Angelegt am"), DATETIME),
            Column(_l("Eingereicht am"), DATETIME),
            Column(_l("Beantragter Betrag (EUR)"), MONEY),
            Column(_l("Eigenanteil (EUR)"), MONEY),
            Column(_l("Ansprechperson")),
            Column(_l("E-Mail")),
            Column(_l("Anzahl Projekte"), INTEGER),
        ],
        [
            (
                a.id,
                a.round.name,
                a.municipality.name,
                a.municipality.ags,
                _state_label(a.case),
                a.case.state,
                a.created_at,
                a.submitted_at,
                a.requested_amount,
                a.own_contribution,
                a.contact_name,
                a.contact_email,
                len(a.projects),
            )
            for a in found
        ],
    )


def notices() -> Table:
    """Return every funding notice (Zuwendungsbescheid) with its amount, period and state."""
    found = db.session.scalars(
        select(FundingNotice)
        .options(joinedload(FundingNotice.round), joinedload(FundingNotice.municipality))
        .order_by(FundingNotice.file_reference)
    )
    return Table(
        "bescheide",
        TITLES["bescheide"],
        [
            Column(_l("Aktenzeichen")),
            Column(_l("Kommune")),
            Column(_l("AGS")),
            Column(_l("Antragsrunde")),
            Column(_l("Betrag (EUR)"), MONEY),
            Column(_l("Zweck")),
            Column(_l("Bewilligungszeitraum von"), DATE),
            Column(_l("Bewilligungszeitraum bis"), DATE),
            Column(_l("Status")),
            Column(_l("Erlassen am"), DATETIME),
            Column(_l("Bestandskräftig am"), DATETIME),
        ],
        [
            (
                n.file_reference,
                n.municipality.name,
                n.municipality.ags,
                n.round.name,
                n.amount,
                n.purpose,
                n.period_start,
                n.period_end,
                _state_label(n.case),
                n.issued_at,
                n.final_at,
            )
            for n in found
        ],
    )


def payments() -> Table:
    """Return every paid call-off of funds (Mittelabruf) with its notice and payment time."""
    found = db.session.scalars(
        select(CallOff)
        .options(joinedload(CallOff.notice).joinedload(FundingNotice.municipality))
        .where(CallOff.paid_at.is_not(None))
        .order_by(CallOff.paid_at, CallOff.id)
    )
    return Table(
        "auszahlungen",
        TITLES["auszahlungen"],
        [
            Column(_l("Abruf-Nr."), INTEGER),
            Column(_l("Aktenzeichen")),
            Column(_l("Kommune")),
            Column(_l("AGS")),
            Column(_l("Betrag (EUR)"), MONEY),
            Column(_l("Angefordert am"), DATETIME),
            Column(_l("Ausgezahlt am"), DATETIME),
            Column(_l("Bemerkung")),
        ],
        [
            (
                c.id,
                c.notice.file_reference,
                c.notice.municipality.name,
                c.notice.municipality.ags,
                c.amount,
                c.created_at,
                c.paid_at,
                c.note,
            )
            for c in found
        ],
    )


def registrations() -> Table:
    """Return every registration for a network meeting, with its meeting and its state."""
    found = db.session.scalars(
        select(MeetingRegistration)
        .options(
            joinedload(MeetingRegistration.meeting), joinedload(MeetingRegistration.municipality)
        )
        .order_by(MeetingRegistration.meeting_id, MeetingRegistration.created_at)
    )
    yes, no = str(_l("Ja")), str(_l("Nein"))
    return Table(
        "anmeldungen",
        TITLES["anmeldungen"],
        [
            Column(_l("Anmeldung-Nr."), INTEGER),
            Column(_l("Netzwerktreffen")),
            Column(_l("Beginn"), DATETIME),
            Column(_l("Ort")),
            Column(_l("Kommune")),
            Column(_l("AGS")),
            Column(_l("Name")),
            Column(_l("E-Mail")),
            Column(_l("Personen"), INTEGER),
            Column(_l("Bedarfe zur Barrierefreiheit")),
            Column(_l("Interesse am Beitritt")),
            Column(_l("Status")),
            Column(_l("Angemeldet am"), DATETIME),
        ],
        [
            (
                r.id,
                r.meeting.title,
                r.meeting.starts_at,
                r.meeting.place,
                r.municipality.name,
                r.municipality.ags,
                r.name,
                r.email,
                r.persons,
                r.accessibility,
                yes if r.interested_in_joining else no,
                _state_label(r.case),
                r.created_at,
            )
            for r in found
        ],
    )


def meetings() -> Table:
    """Return every meeting with its counts, also after its registrations were deleted."""
    found = db.session.scalars(select(Meeting).order_by(Meeting.starts_at, Meeting.id)).all()
    return Table(
        "netzwerktreffen",
        TITLES["netzwerktreffen"],
        [
            Column(_l("Netzwerktreffen")),
            Column(_l("Beginn"), DATETIME),
            Column(_l("Ort")),
            Column(_l("Plätze"), INTEGER),
            Column(_l("Anmeldungen"), INTEGER),
            Column(_l("Bestätigte Personen"), INTEGER),
            Column(_l("Personen auf der Warteliste"), INTEGER),
            Column(_l("Abgemeldete Personen"), INTEGER),
            Column(_l("Kommunen mit bestätigten Personen"), INTEGER),
            Column(_l("Anmeldungen mit Interesse am Beitritt"), INTEGER),
            Column(_l("Anmeldungen gelöscht am"), DATETIME),
        ],
        [
            (
                m.title,
                m.starts_at,
                m.place,
                m.capacity,
                c.registrations,
                c.confirmed_persons,
                c.waitlisted_persons,
                c.cancelled_persons,
                c.municipalities,
                c.interested,
                c.purged_at,
            )
            for m, c in ((m, m.counts()) for m in found)
        ],
    )


EXPORTS: dict[str, Callable[[], Table]] = {
    "antraege": applications,
    "bescheide": notices,
    "auszahlungen": payments,
    "anmeldungen": registrations,
    "netzwerktreffen": meetings,
}
