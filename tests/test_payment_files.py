"""The treasury's files: CSV and pain.001 of a day's orders, the camt.054 confirmation import."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from funding_support import final_notice, ordered_call_off
from payments_support import camt054
from sqlalchemy import select

from antrag.clock import now
from antrag.engine.calendar import BERLIN
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import BudgetEntry
from antrag.payments.camt import NotACamt054
from antrag.payments.exports import orders_of_day, orders_pain001
from antrag.payments.operations import import_confirmations

# The treasury's file formats (pain.001, CSV, camt.054); importing twice at once is raced on
# both databases in tests/concurrency/test_payment_races.py. The SQLite run covers these.
pytestmark = [pytest.mark.database_agnostic, pytest.mark.usefixtures("same_day")]

PAIN_XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


@pytest.fixture
def orders(make_application, world):
    """Two released call-offs of Speyer's notice: their payment orders of today."""
    world.round.budget_chapter, world.round.budget_title = "0302", "883 01"
    db.session.commit()
    notice = final_notice(make_application, world)
    first = ordered_call_off(notice, "30000.00", world)
    second = ordered_call_off(notice, "1234.56", world)
    return first.payment_order, second.payment_order


def _today():
    return now().astimezone(BERLIN).date()


def test_the_pain001_file_is_valid_against_the_schema(orders, app):
    data = orders_pain001(orders_of_day(_today()))
    schema = xmlschema.XMLSchema(str(PAIN_XSD))
    schema.validate(data.decode())
    document = schema.to_dict(data.decode())
    batch = document["CstmrCdtTrfInitn"]["PmtInf"][0]
    assert batch["DbtrAcct"]["Id"]["IBAN"] == app.config["PAYMENT_DEBTOR_IBAN"]
    assert document["CstmrCdtTrfInitn"]["GrpHdr"]["CtrlSum"] == Decimal("31234.56")
    ends = [tx["PmtId"]["EndToEndId"] for tx in batch["CdtTrfTxInf"]]
    assert ends == [o.number for o in orders]


def test_the_csv_lists_the_orders_of_the_day(orders, make_web, world):
    response = make_web(world.users.reviewer).get(f"/zahlungen/export.csv?tag={_today()}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Anordnungsnummer", "Angeordnet am", "Fällig am", "Betrag"]
    assert [r[0] for r in rows[1:]] == [o.number for o in orders]
    assert rows[2][3] == "1234,56" and rows[2][8:11] == ["0302", "883 01", str(_today().year)]


def test_the_pain001_download_and_an_empty_day(orders, make_web, world):
    web = make_web(world.users.reviewer)
    response = web.get(f"/zahlungen/export.xml?tag={_today()}")
    assert response.status_code == 200 and b"pain.001.001.09" in response.get_data()
    empty = web.get("/zahlungen/export.xml?tag=2001-01-01")
    assert empty.status_code == 302
    assert web.get("/zahlungen/export.csv?tag=gestern").status_code == 302


def test_the_import_confirms_matching_lines_and_reports_the_rest(orders, world):
    first, second = orders
    day = _today()
    data = camt054(
        [
            (first.number, "30000.00", day),
            (second.number, "1234.00", day),  # amount differs
            ("AO-1999-999999", "10.00", day),  # no such order
        ]
    )
    report = import_confirmations(world.users.reviewer, data)
    db.session.commit()
    db.session.expire_all()
    assert report.confirmed == [first.number]
    assert len(report.problems) == 2
    assert "weicht von der Anordnung" in report.problems[0]
    assert "keine Auszahlungsanordnung" in report.problems[1]
    assert first.call_off.case.state == "paid" and first.confirmation_source == "camt054"
    assert second.call_off.case.state == "ordered"
    assert world.round.paid == Decimal("30000.00") and world.round.ordered == Decimal("1234.56")
    assert ledger.reconcile(world.round) == []


def test_importing_the_same_file_twice_books_nothing_twice(orders, world):
    data = camt054([(o.number, str(o.amount), _today()) for o in orders])
    assert len(import_confirmations(world.users.reviewer, data).confirmed) == 2
    db.session.commit()
    again = import_confirmations(world.users.reviewer, data)
    db.session.commit()
    assert again.confirmed == [] and len(again.already) == 2
    payments = db.session.scalars(select(BudgetEntry).filter_by(kind="payment")).all()
    assert len(payments) == 2 and ledger.reconcile(world.round) == []


def test_unbooked_or_credit_lines_confirm_nothing(orders, world):
    data = camt054([(orders[0].number, "30000.00", _today())], status="PDNG")
    report = import_confirmations(world.users.reviewer, data)
    assert report.confirmed == [] and "keine gebuchte Lastschrift" in report.problems[0]


@pytest.mark.parametrize(
    "data",
    [
        b"kein xml",
        b'<?xml version="1.0"?><Document xmlns="urn:x"/>',
        b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
    ],
)
def test_a_file_that_is_no_camt054_is_refused(app, world, data):
    with pytest.raises(NotACamt054):
        import_confirmations(world.users.reviewer, data)


def test_the_import_page_shows_the_report(orders, make_web, world):
    web = make_web(world.users.reviewer)
    web.get("/zahlungen/")
    data = camt054([(orders[0].number, "30000.00", _today())])
    response = web.post(
        "/zahlungen/bestaetigungen",
        {"document": (io.BytesIO(data), "camt054.xml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bestätigt: 1" in html
    bad = web.post(
        "/zahlungen/bestaetigungen",
        {"document": (io.BytesIO(b"nein"), "x.xml")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "kein lesbares XML" in bad.get_data(as_text=True)


def test_the_payments_page_lists_open_and_confirmed_orders(orders, make_web, world):
    html = make_web(world.users.reviewer).get("/zahlungen/").get_data(as_text=True)
    assert orders[0].number in html and "DE20 5475 0010 9999 9900 01" in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [("applicant", 403), ("mentor", 403), ("admin", 403), ("reviewer", 200)],
)
def test_the_payments_page_is_for_the_ministry_clerks(make_web, world, role, expected):
    user = {
        "applicant": world.users.speyer,
        "mentor": world.users.mentor,
        "admin": world.users.admin,
        "reviewer": world.users.reviewer,
    }[role]
    web = make_web(user)
    for url in ("/zahlungen/", "/zahlungen/export.csv", "/zahlungen/export.xml"):
        assert web.get(url).status_code in ((expected,) if expected == 403 else (200, 302))
