"""German amounts and dates in and out; UTC times shown in Europe/Berlin."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from antrag.formats import (
    format_amount,
    format_date,
    format_datetime,
    format_money,
    format_period,
    format_time_span,
    parse_amount,
    parse_date,
    typeset_house_numbers,
)

# Number and date formats: the SQLite run covers them (see tests/conftest.py).
pytestmark = pytest.mark.database_agnostic


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("60.750,00", "60750.00"),
        ("60750", "60750.00"),
        ("60750,5", "60750.50"),
        ("60.750", "60750.00"),  # a dot groups thousands in German
        ("1.234.567,89", "1234567.89"),
        (" 60.750,00 € ", "60750.00"),
        ("60 750,00", "60750.00"),
        ("60\xa0750,00\xa0€", "60750.00"),
        ("0,01", "0.01"),
        ("0", "0.00"),
    ],
)
def test_parse_amount_reads_german_amounts(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "abc", "60.75", "60,750.00", "1.23,00", "12.3456", "60750,123", "-5"]
    + ["1e3", "NaN", "Infinity", "60.750,", ",50", "€"],
)
def test_parse_amount_refuses_anything_else(text):
    with pytest.raises(ValueError, match="zum Beispiel 60.750,00"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("60750"), "60.750,00"),
        (Decimal("0.5"), "0,50"),
        (Decimal("1234567.89"), "1.234.567,89"),
        (None, ""),
    ],
)
def test_format_amount_for_input_fields(amount, text):
    assert format_amount(amount) == text


@pytest.mark.parametrize("amount", ["0.00", "0.01", "999.99", "60750.00", "1234567.89"])
def test_amount_survives_a_round_trip(amount):
    assert parse_amount(format_amount(Decimal(amount))) == Decimal(amount)


def test_format_money_reads_like_german_money():
    assert format_money(Decimal("60750")) == "60.750,00\xa0€"
    assert format_money(None) == "–"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("14.05.2019", date(2019, 5, 14)),
        ("1.5.2019", date(2019, 5, 1)),
        (" 14.05.2019 ", date(2019, 5, 14)),
        ("29.02.2020", date(2020, 2, 29)),
        ("31.12.2019", date(2019, 12, 31)),
    ],
)
def test_parse_date_reads_german_dates(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["", None, "2019-5-14", "14.05.19", "14/05/2019", "14.05.2019 10:00", "morgen"]
)
def test_parse_date_refuses_other_formats(text):
    with pytest.raises(ValueError, match="TT.MM.JJJJ"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31.02.2019", "29.02.2019", "00.01.2019", "01.13.2019"])
def test_parse_date_refuses_days_not_in_the_calendar(text):
    with pytest.raises(ValueError, match="gibt es nicht im Kalender"):
        parse_date(text)


def test_format_date():
    assert format_date(date(2019, 5, 14)) == "14.05.2019"
    assert format_date(None) == "–"


def test_format_date_of_a_utc_time_uses_the_berlin_day():
    assert format_date(datetime(2019, 5, 13, 22, 30, tzinfo=UTC)) == "14.05.2019"


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2019, 5, 14, 8, 30, tzinfo=UTC), "14.05.2019, 10:30 Uhr"),  # CEST
        (datetime(2019, 1, 14, 8, 30, tzinfo=UTC), "14.01.2019, 09:30 Uhr"),  # CET
        (datetime(2019, 12, 31, 23, 30, tzinfo=UTC), "01.01.2020, 00:30 Uhr"),
        (datetime(2019, 3, 31, 0, 59, tzinfo=UTC), "31.03.2019, 01:59 Uhr"),  # last minute of CET
        (datetime(2019, 3, 31, 1, 0, tzinfo=UTC), "31.03.2019, 03:00 Uhr"),  # clocks go forward
        (datetime(2019, 10, 27, 0, 30, tzinfo=UTC), "27.10.2019, 02:30 Uhr"),  # still CEST
        (datetime(2019, 10, 27, 1, 30, tzinfo=UTC), "27.10.2019, 02:30 Uhr"),  # CET again
    ],
)
def test_format_datetime_shows_berlin_time(utc, shown):
    assert format_datetime(utc) == shown


def test_format_datetime_of_nothing():
    assert format_datetime(None) == "–"


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        # One Berlin day: the date once, "Uhr" once, an en dash without spaces.
        ((2027, 1, 15, 9, 0), (2027, 1, 15, 15, 0), "15.01.2027, 10:00–16:00 Uhr"),
        # 23:30 UTC is the next Berlin day: both ends fall on 01.07.2027.
        ((2027, 6, 30, 22, 30), (2027, 7, 1, 8, 0), "01.07.2027, 00:30–10:00 Uhr"),
        # Over two days each end keeps its date, with a spaced dash between them.
        (
            (2027, 1, 15, 9, 0),
            (2027, 1, 16, 11, 0),
            "15.01.2027, 10:00 Uhr – 16.01.2027, 12:00 Uhr",
        ),
    ],
)
def test_format_time_span_names_one_day_once(start, end, shown):
    assert format_time_span(datetime(*start, tzinfo=UTC), datetime(*end, tzinfo=UTC)) == shown


def test_format_time_span_in_english(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        shown = format_time_span(
            datetime(2027, 1, 15, 9, 0, tzinfo=UTC), datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
        )
    assert shown == "15 Jan 2027, 10:00–16:00"


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (None, None, "noch nicht festgelegt"),
        (date(2027, 3, 1), None, "ab 01.03.2027"),
        (None, date(2027, 12, 31), "bis 31.12.2027"),
        (date(2027, 3, 1), date(2027, 12, 31), "01.03.2027 bis 31.12.2027"),
    ],
)
def test_format_period_names_an_open_end_instead_of_dashes(start, end, shown):
    assert format_period(start, end) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Schillerplatz 3-5", "Schillerplatz 3–5"),
        ("Hochstraße 56 - 58", "Hochstraße 56–58"),
        ("Konrad-Adenauer-Straße 12a-14", "Konrad-Adenauer-Straße 12a–14"),
        ("Schillerplatz 3–5", "Schillerplatz 3–5"),
        ("Am 3-Eck 4", "Am 3-Eck 4"),  # a hyphen in a name stays
        ("Rheinland-Pfalz", "Rheinland-Pfalz"),
        ("55116 Mainz", "55116 Mainz"),
        (None, None),
    ],
)
def test_typeset_house_numbers_writes_ranges_with_the_bis_dash(typed, shown):
    assert typeset_house_numbers(typed) == shown
