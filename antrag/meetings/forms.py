"""Forms of the meetings: the public registration and the ministry's meeting form."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from ..fields import AppForm, GermanDateField
from .operations import PERSONS_MAX

NUMBER_RE = re.compile(r"^(\d{1,3}(\.\d{3})+|\d{1,6})$")  # 12 or 1.200, as Germans write
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _whole_number(text: str | None, low: int, high: int, message) -> int:
    """Return the typed whole number between `low` and `high`, or raise ValidationError."""
    cleaned = (text or "").strip()
    if not NUMBER_RE.match(cleaned) or not low <= int(cleaned.replace(".", "")) <= high:
        raise ValidationError(message)
    return int(cleaned.replace(".", ""))


class RegistrationForm(AppForm):
    """A registration for a meeting, by anyone, without an account."""

    name = StringField(
        _l("Ihr Name"),
        validators=[
            InputRequired(_l("Bitte geben Sie Ihren Namen an.")),
            Length(max=200, message=_l("Höchstens 200 Zeichen.")),
        ],
    )
    municipality = SelectField(
        _l("Kommune"),
        validators=[InputRequired(_l("Bitte wählen Sie Ihre Kommune aus der Liste."))],
        validate_choice=False,
    )
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[
            InputRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
            Length(max=254, message=_l("Höchstens 254 Zeichen.")),
        ],
    )
    persons = StringField(
        _l("Anzahl der Personen"),
        default="1",
        validators=[InputRequired(_l("Bitte geben Sie an, wie viele Personen kommen."))],
    )
    accessibility = TextAreaField(
        _l("Bedarf an Barrierefreiheit (freiwillig)"),
        validators=[Optional(), Length(max=1000, message=_l("Höchstens 1000 Zeichen."))],
    )
    interested_in_joining = BooleanField(
        _l("Unsere Kommune ist noch nicht Mitglied und interessiert sich für den Beitritt.")
    )

    def set_municipalities(self, municipalities) -> None:
        """Offer the municipalities of the database, by name."""
        self.municipality.choices = [("", _l("Bitte wählen"))] + [
            (str(m.id), m.name) for m in municipalities
        ]

    def validate_municipality(self, field) -> None:
        known = {value for value, _label in field.choices if value}
        if field.data not in known:
            raise ValidationError(_l("Bitte wählen Sie Ihre Kommune aus der Liste."))

    def validate_persons(self, field) -> None:
        message = _l("Bitte geben Sie eine Zahl von 1 bis %(max)d an.", max=PERSONS_MAX)
        field.number = _whole_number(field.data, 1, PERSONS_MAX, message)


class MeetingForm(AppForm):
    """A network meeting as the ministry plans it; date and times in Europe/Berlin."""

    title = StringField(
        _l("Titel"),
        validators=[
            InputRequired(_l("Bitte geben Sie einen Titel an.")),
            Length(max=200, message=_l("Höchstens 200 Zeichen.")),
        ],
    )
    day = GermanDateField(
        _l("Datum"), validators=[InputRequired(_l("Bitte geben Sie das Datum an."))]
    )
    start_time = StringField(
        _l("Beginn"), validators=[InputRequired(_l("Bitte geben Sie die Uhrzeit des Beginns an."))]
    )
    # A meeting may end on a later day (an evening event past midnight, two-day meetings).
    end_day = GermanDateField(_l("Enddatum"), validators=[Optional()])
    end_time = StringField(
        _l("Ende"), validators=[InputRequired(_l("Bitte geben Sie die Uhrzeit des Endes an."))]
    )
    place = StringField(
        _l("Ort"),
        validators=[
            InputRequired(_l("Bitte geben Sie den Ort an.")),
            Length(max=400, message=_l("Höchstens 400 Zeichen.")),
        ],
    )
    agenda = TextAreaField(
        _l("Tagesordnung"),
        validators=[Optional(), Length(max=5000, message=_l("Höchstens 5000 Zeichen."))],
    )
    capacity = StringField(
        _l("Plätze (Personen)"),
        validators=[InputRequired(_l("Bitte geben Sie an, wie viele Personen Platz finden."))],
    )

    @property
    def last_day(self):
        """Return the day the meeting ends: the end date if given, else the start day."""
        return self.end_day.data or self.day.data

    def validate_start_time(self, field) -> None:
        field.time = _time(field.data)

    def validate_end_time(self, field) -> None:
        field.time = _time(field.data)

    def validate_capacity(self, field) -> None:
        message = _l("Bitte geben Sie eine ganze Zahl von 1 bis 10.000 an.")
        field.number = _whole_number(field.data, 1, 10000, message)


def _time(text: str | None) -> tuple[int, int]:
    """Return (hour, minute) of a time typed as `10:30`, or raise ValidationError."""
    match = TIME_RE.match((text or "").strip())
    if not match:
        raise ValidationError(_l("Bitte geben Sie eine Uhrzeit wie 10:30 an."))
    return int(match[1]), int(match[2])
