"""The exports: CSV for German Excel with neutralised formulas, XLSX readable by openpyxl."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from funding_support import final_notice, paid_call_off

from antrag.db_types import utcnow
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.reporting import exports, tables

APPLICATION_HEADER = [
    "Antrag-Nr.",
    "Antragsrunde",
    "Kommune",
    "AGS",
    "Status",
    "Status (Schlüssel)",
    "Angelegt am",
    "Eingereicht am",
    "Beantragter Betrag (EUR)",
    "Eigenanteil (EUR)",
    "Ansprechperson",
    "E-Mail",
    "Anzahl Projekte",
]


@pytest.fixture
def hostile(make_application):
    """A submitted application whose text fields look like spreadsheet formulas."""
    application = make_application("submitted")
    application.contact_name = "=1+1"
    application.contact_email = "@SUM(A1:A9)"
    application.own_contribution = Decimal("1234.50")
    db.session.commit()
    return application


def _csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 631", "'+49 631"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Speyer", "Speyer"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(text, expected):
    assert exports.neutralise(text) == expected


def test_applications_csv_has_the_columns_and_escaped_cells(make_web, world, hostile):
    response = make_web(world.users.reviewer).get("/auswertung/export/antraege.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == APPLICATION_HEADER
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Ansprechperson"] == "'=1+1"
    assert row["E-Mail"] == "'@SUM(A1:A9)"
    assert row["Kommune"] == "Speyer" and row["AGS"] == "07318000"
    assert (row["Status"], row["Status (Schlüssel)"]) == ("Eingereicht", "submitted")
    assert (row["Beantragter Betrag (EUR)"], row["Eigenanteil (EUR)"]) == ("60750,00", "1234,50")
    submitted = hostile.submitted_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
    assert row["Eingereicht am"] == submitted
    assert row["Antrag-Nr."] == str(hostile.id) and row["Anzahl Projekte"] == "1"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_drafts_are_left_out_of_the_applications_export(make_web, world, make_application, suffix):
    """Drafts are the city's alone: the ministry's export holds submitted applications only."""
    submitted = make_application("submitted")
    draft = make_application("draft", municipality=world.andernach)
    draft.contact_name = "Geheime Entwurfsperson"
    db.session.commit()
    response = make_web(world.users.reviewer).get(f"/auswertung/export/antraege.{suffix}")
    assert response.status_code == 200
    if suffix == "csv":
        _header, *rows = _csv(response)
    else:
        _header, *rows = [[str(c) for c in r] for r in _xlsx(response).iter_rows(values_only=True)]
    assert [row[0] for row in rows] == [str(submitted.id)]
    assert not any("Andernach" in cell or "Geheime" in cell for row in rows for cell in row)


def test_applications_xlsx_keeps_types_and_never_makes_formulas(make_web, world, hostile):
    response = make_web(world.users.reviewer).get("/auswertung/export/antraege.xlsx")
    assert response.status_code == 200
    sheet = _xlsx(response)
    header = [cell.value for cell in sheet[1]]
    assert header == APPLICATION_HEADER
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["Antrag-Nr."].value == hostile.id
    assert cells["Beantragter Betrag (EUR)"].value == 60750
    assert cells["Beantragter Betrag (EUR)"].data_type == "n"
    assert cells["Eigenanteil (EUR)"].value == pytest.approx(1234.5)
    assert isinstance(cells["Eingereicht am"].value, datetime)
    local = hostile.submitted_at.astimezone(BERLIN).replace(tzinfo=None, microsecond=0)
    assert cells["Eingereicht am"].value.replace(microsecond=0) == local
    for name, text in (("Ansprechperson", "=1+1"), ("E-Mail", "@SUM(A1:A9)")):
        assert cells[name].value == text
        assert cells[name].data_type == "s"
    assert sheet.max_row == 2


def test_notices_and_payments_exports(make_web, world, make_application):
    notice = final_notice(make_application, world)
    call_off = paid_call_off(notice, "15187.50", world)
    web = make_web(world.users.reviewer)
    header, row = _csv(web.get("/auswertung/export/bescheide.csv"))
    notice_row = dict(zip(header, row, strict=True))
    assert notice_row["Aktenzeichen"] == notice.file_reference
    assert notice_row["Betrag (EUR)"] == "60750,00"
    assert notice_row["Status"] == "Bestandskräftig"
    assert notice_row["Bewilligungszeitraum von"] == notice.period_start.strftime("%d.%m.%Y")
    header, row = _csv(web.get("/auswertung/export/auszahlungen.csv"))
    payment = dict(zip(header, row, strict=True))
    assert (payment["Abruf-Nr."], payment["Betrag (EUR)"]) == (str(call_off.id), "15187,50")
    assert payment["Aktenzeichen"] == notice.file_reference
    sheet = _xlsx(web.get("/auswertung/export/auszahlungen.xlsx"))
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert values["Betrag (EUR)"] == pytest.approx(15187.5)
    assert isinstance(values["Ausgezahlt am"], datetime)
    sheet = _xlsx(web.get("/auswertung/export/bescheide.xlsx"))
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert values["Bewilligungszeitraum bis"] == datetime.combine(
        notice.period_end, datetime.min.time()
    )


def test_unpaid_call_offs_are_not_payments(make_web, world, make_application):
    from antrag.funding.operations import request_call_off

    notice = final_notice(make_application, world)
    request_call_off(world.users.speyer, notice, Decimal("100.00"), None)
    db.session.commit()
    rows = _csv(make_web(world.users.reviewer).get("/auswertung/export/auszahlungen.csv"))
    assert len(rows) == 1  # the header only


def test_empty_exports_still_have_their_header(make_web, world):
    web = make_web(world.users.reviewer)
    for kind in tables.EXPORTS:
        assert len(_csv(web.get(f"/auswertung/export/{kind}.csv"))) == 1
        assert _xlsx(web.get(f"/auswertung/export/{kind}.xlsx")).max_row == 1


def test_registrations_export(make_web, world):
    from antrag.engine.workflows import workflows
    from antrag.meetings.operations import create_meeting, register

    starts = utcnow() + timedelta(days=14)
    meeting = create_meeting(
        world.users.reviewer,
        title="=2. Netzwerktreffen",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        place="Rathaus Speyer",
        agenda="Begrüßung",
        capacity=2,
    )
    for email, persons, needs in (
        ("anna@speyer.de", 2, "+Rollstuhlplatz"),
        ("ben@pirmasens.de", 1, None),
    ):
        register(
            meeting,
            name=email.split("@")[0].title(),
            municipality_id=(world.speyer if "speyer" in email else world.pirmasens).id,
            email=email,
            persons=persons,
            accessibility=needs,
            interested_in_joining="pirmasens" in email,
        )
    db.session.commit()
    web = make_web(world.users.reviewer)
    header, *rows = _csv(web.get("/auswertung/export/anmeldungen.csv"))
    assert header[:3] == ["Anmeldung-Nr.", "Netzwerktreffen", "Beginn"]
    anna, ben = (dict(zip(header, row, strict=True)) for row in rows)
    assert (anna["Netzwerktreffen"], anna["Personen"]) == ("'=2. Netzwerktreffen", "2")
    assert anna["Bedarfe zur Barrierefreiheit"] == "'+Rollstuhlplatz"
    assert (anna["Interesse am Beitritt"], ben["Interesse am Beitritt"]) == ("Nein", "Ja")
    assert (anna["Kommune"], ben["Kommune"]) == ("Speyer", "Pirmasens")
    labels = {s.label for s in workflows().current("meeting_registration").states.values()}
    assert anna["Status"] in labels and ben["Status"] in labels and anna["Status"] != ben["Status"]
    assert anna["Beginn"] == starts.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
    sheet = _xlsx(web.get("/auswertung/export/anmeldungen.xlsx"))
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert values["Personen"] == 2 and isinstance(values["Beginn"], datetime)
    assert sheet.max_row == 3


@pytest.mark.parametrize("role", ["speyer", "mentor", "admin"])
@pytest.mark.parametrize("url", ["/auswertung/export/antraege.csv", "/auswertung/export/x.xlsx"])
def test_exports_are_refused_to_everyone_but_the_ministry(make_web, world, role, url):
    assert make_web(getattr(world.users, role)).get(url).status_code == 403


def test_an_unknown_export_is_not_found(make_web, world):
    web = make_web(world.users.reviewer)
    assert web.get("/auswertung/export/konten.csv").status_code == 404
    assert web.get("/auswertung/export/konten.xlsx").status_code == 404
