"""German number, money and date formats, in and out."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal
from flask_babel import gettext as _

from .engine.calendar import BERLIN

_AMOUNT_RE = re.compile(r"^(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d{1,2}))?$")
_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What people type besides `14.05.2019`: the English form the English pages show
# (`14 May 2019`, `14 May, 2019`, `May 14, 2019`), month names in English (C locale).
# A hyphen between two house numbers ("3-5", "12 a - 14"); not in names ("Rheinland-Pfalz").
_HOUSE_NUMBER_RANGE_RE = re.compile(r"(?<=\d)(\s?[A-Za-z]?)\s*[-‐‑−]\s*(?=\d)")
_WORDED_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d %b, %Y", "%b %d, %Y", "%B %d, %Y")


def _locale() -> str:
    """Return the request's locale, or German outside a request."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except (ImportError, RuntimeError, KeyError, AttributeError):
        locale = None
    return str(locale) if locale else "de_DE"


def parse_amount(text: str) -> Decimal:
    """Parse a German amount such as `60.750,00`, `60750` or `60750,5`; raise ValueError."""
    cleaned = (text or "").strip().replace("€", "").replace("\xa0", "").replace(" ", "")
    match = _AMOUNT_RE.match(cleaned)
    if not match:
        raise ValueError(_("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 60.750,00."))
    integer = match["int"].replace(".", "")
    try:
        return Decimal(f"{integer}.{match['frac'] or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(
            _("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 60.750,00.")
        ) from None


def parse_date(text: str) -> date:
    """Parse a date as typed: `14.05.2019`, `2019-05-14` or `14 May 2019`; raise ValueError.

    Whatever a date field shows must come back unchanged (in German and in English); the
    fields show `14.05.2019` in both languages, as amounts keep the German format.
    """
    cleaned = (text or "").strip()
    if _ISO_DATE_RE.match(cleaned):
        return _checked(cleaned, *(int(part) for part in reversed(cleaned.split("-"))))
    match = _DATE_RE.match(cleaned)
    if not match:
        for pattern in _WORDED_DATE_FORMATS:
            try:
                return datetime.strptime(cleaned, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            _("Bitte geben Sie ein Datum im Format TT.MM.JJJJ an, zum Beispiel 14.05.2019.")
        )
    return _checked(cleaned, *(int(g) for g in match.groups()))


def _checked(text: str, day: int, month: int, year: int) -> date:
    """Return the date, or raise ValueError naming a day the calendar does not have."""
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("Den %(date)s gibt es nicht im Kalender.", date=text.strip())) from None


def format_amount(value: Decimal | None) -> str:
    """Format an amount for an input field: `60.750,00` (empty for None)."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00", locale="de_DE")


def format_number(value: int | None) -> str:
    """Format a whole number for reading: `1.000` in German, `1,000` in English."""
    if value is None:
        return "–"
    return format_decimal(value, locale=_locale())


def format_kilobytes(value: float) -> str:
    """Format a size in kilobytes with one decimal: `12,3` in German, `12.3` in English."""
    return format_decimal(value, format="0.0", locale=_locale())


def format_money(value: Decimal | None) -> str:
    """Format an amount for reading: `60.750,00 €` in the current locale."""
    if value is None:
        return "–"
    return format_currency(value, "EUR", locale=_locale())


def format_input_date(value: date | None) -> str:
    """Format a date for an input field: `14.05.2019` in every language (empty for None)."""
    return "" if value is None else value.strftime("%d.%m.%Y")


def format_date(value: date | None) -> str:
    """Format a date: `14.05.2019` in German, `14 May 2019` in English."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    return _babel_date(
        value, format="dd.MM.yyyy" if _locale().startswith("de") else "medium", locale=_locale()
    )


def format_period(start: date | None, end: date | None) -> str:
    """Format a planned period: `14.05.2019 bis 31.12.2020`; an open end is named, not `–`."""
    if start is None and end is None:
        return _("noch nicht festgelegt")
    if end is None:
        return _("ab %(start)s", start=format_date(start))
    if start is None:
        return _("bis %(end)s", end=format_date(end))
    return _("%(start)s bis %(end)s", start=format_date(start), end=format_date(end))


def format_datetime(value: datetime | None) -> str:
    """Format a UTC time in Europe/Berlin: `14.05.2019, 10:30 Uhr` (`14 May 2019, 10:30`)."""
    if value is None:
        return "–"
    local = value.astimezone(BERLIN)
    if _locale().startswith("de"):
        return local.strftime("%d.%m.%Y, %H:%M Uhr")
    return _babel_datetime(local, format="d MMM y, HH:mm", tzinfo=BERLIN, locale=_locale())


def format_time_span(start: datetime, end: datetime) -> str:
    """Format a span of UTC times in Berlin time, naming a day once when both fall on it.

    `15.01.2027, 10:00–16:00 Uhr`, over two days `15.01.2027, 10:00 Uhr – 16.01.2027,
    12:00 Uhr` (en dash for "bis", spaced between compound parts, DIN 5008); in English
    `15 Jan 2027, 10:00–16:00`.
    """
    first, last = start.astimezone(BERLIN), end.astimezone(BERLIN)
    if first.date() != last.date():
        return f"{format_datetime(start)} – {format_datetime(end)}"
    if _locale().startswith("de"):
        return f"{first:%d.%m.%Y, %H:%M}–{last:%H:%M} Uhr"
    return f"{format_datetime(start)}–{last:%H:%M}"


def typeset_house_numbers(text: str | None) -> str | None:
    """Write a range of house numbers with the "bis" dash: `Schillerplatz 3-5` → `3–5`.

    German typography writes "bis" between numbers as an en dash (Halbgeviertstrich), not a
    hyphen; DIN 5008 admits only the en dash in this function since its 2020 edition, and
    typesetting sets it without spaces ("Waldemarstraße 2–4", federwerk.de/bis-zeichen-verwendung),
    as the ministry writes its own address ("Schillerplatz 3–5"). Stored text is left as typed;
    addresses are typeset where they are shown and printed.
    """
    if not text:
        return text
    return _HOUSE_NUMBER_RANGE_RE.sub(lambda m: m.group(1).rstrip() + "–", text)
