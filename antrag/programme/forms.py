"""Forms for municipalities, programmes and rounds; the operations do the domain checks."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..fields import AppForm, GermanDateField, GermanDecimalField
from ..formats import parse_amount
from .models import ELIGIBILITY, MUNICIPALITY_KINDS

UNKNOWN_CHOICE = _l("Bitte wählen Sie aus den angebotenen Möglichkeiten.")
# ASCII digits (`\d` would take `١٢`), at most eight: the column is a 32-bit integer.
_POPULATION_RE = re.compile(r"^([0-9]{1,2}(?:\.[0-9]{3}){1,2}|[0-9]{3}\.[0-9]{3}|[0-9]{1,8})$")


def parse_signed_amount(text: str):
    """Parse a German amount that may carry a minus sign, so that the check can name it."""
    text = (text or "").strip()
    if text.startswith(("-", "−")):
        return -parse_amount(text[1:])
    return parse_amount(text)


class SignedAmountField(GermanDecimalField):
    """A German amount field that reads `-1.000,00` as negative instead of as garbage."""

    def parse(self, text):
        return parse_signed_amount(text)


class PopulationField(Field):
    """A whole number that may be typed with German thousands separators (`50.741`)."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if not _POPULATION_RE.match(text):
            raise ValueError(_l("Bitte geben Sie eine ganze Zahl an, zum Beispiel 50.741."))
        self.data = int(text.replace(".", ""))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; templates render it in a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _required(message) -> InputRequired:
    return InputRequired(message)


def _max(limit: int) -> Length:
    """Return a length check with the German message the operations give too."""
    return Length(max=limit, message=_l("Höchstens %(count)s Zeichen.", count=limit))


class MunicipalityForm(AppForm):
    """A municipality's key, name, kind, city flag, population, head title and address."""

    ags = StringField(
        _l("Amtlicher Gemeindeschlüssel (AGS)"),
        validators=[
            _required(_l("Bitte geben Sie den Amtlichen Gemeindeschlüssel an.")),
            Length(max=8),
        ],
    )
    name = StringField(
        _l("Name"), validators=[_required(_l("Bitte geben Sie den Namen an.")), Length(max=200)]
    )
    kind = SelectField(
        _l("Art der Kommune"),
        choices=[SelectChoice(value, _l(label)) for value, label in MUNICIPALITY_KINDS.items()],
        validate_choice=True,
    )
    is_city = BooleanField(
        _l("Stadt (antragsberechtigt, wenn eine Runde allen Städten offensteht)")
    )
    population = PopulationField(
        _l("Einwohnerzahl"), validators=[_required(_l("Bitte geben Sie die Einwohnerzahl an."))]
    )
    head_title = StringField(_l("Amtsbezeichnung der Verwaltungsspitze"), validators=[_max(100)])
    street = StringField(
        _l("Straße und Hausnummer der Verwaltung"),
        validators=[_max(200)],
        render_kw={"autocomplete": "off"},
    )
    postal_code = StringField(
        _l("Postleitzahl"),
        validators=[_max(10)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    town = StringField(_l("Ort"), validators=[_max(100)], render_kw={"autocomplete": "off"})
    iban = StringField(
        _l("IBAN"),
        validators=[_max(42)],  # printed form with spaces; checked in operations (schwifty)
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    bic = StringField(
        _l("BIC (freiwillig)"), validators=[_max(15)], render_kw={"autocomplete": "off"}
    )
    account_holder = StringField(
        _l("Kontoinhaber"), validators=[_max(70)], render_kw={"autocomplete": "off"}
    )


class ProgrammeForm(AppForm):
    """A funding programme's name and description."""

    name = StringField(
        _l("Name des Programms"),
        validators=[_required(_l("Bitte geben Sie den Namen an.")), Length(max=200)],
    )
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=2000)])
    guideline_title = TextAreaField(_l("Förderrichtlinie (Titel)"), validators=[_max(300)])
    guideline_date = GermanDateField(_l("Förderrichtlinie vom"))


class RoundForm(AppForm):
    """A round's programme, name, dates, amounts, eligibility and invited municipalities."""

    programme = SelectField(
        _l("Programm"), coerce=int, invalid_value_message=UNKNOWN_CHOICE, validate_choice=True
    )
    name = StringField(
        _l("Name der Runde"),
        validators=[_required(_l("Bitte geben Sie den Namen an.")), Length(max=200)],
    )
    opens_on = GermanDateField(
        _l("Geöffnet ab"), validators=[_required(_l("Bitte geben Sie den ersten Tag an."))]
    )
    closes_on = GermanDateField(
        _l("Geöffnet bis"), validators=[_required(_l("Bitte geben Sie den letzten Tag an."))]
    )
    budget = SignedAmountField(
        _l("Budget in Euro"), validators=[_required(_l("Bitte geben Sie das Budget an."))]
    )
    standard_amount = SignedAmountField(
        _l("Regelbetrag in Euro"), validators=[_required(_l("Bitte geben Sie den Regelbetrag an."))]
    )
    budget_chapter = StringField(
        _l("Haushaltsstelle: Kapitel"), validators=[_max(10)], render_kw={"inputmode": "numeric"}
    )
    budget_title = StringField(
        _l("Haushaltsstelle: Titel"), validators=[_max(20)], render_kw={"inputmode": "numeric"}
    )
    eligibility = SelectField(
        _l("Antragsberechtigt"),
        choices=[SelectChoice(value, _l(label)) for value, label in ELIGIBILITY.items()],
    )
    invited = MultiCheckboxField(
        _l("Eingeladene Kommunen"),
        coerce=int,
        invalid_value_message=UNKNOWN_CHOICE,
        invalid_choice_message=_l("Diese Auswahl gibt es nicht: %(value)s."),
    )

    def set_choices(self, programmes, municipalities) -> None:
        """Fill the programme select and the list of municipalities that can be invited."""
        self.programme.choices = [SelectChoice(str(p.id), p.name) for p in programmes]
        self.invited.choices = [
            SelectChoice(str(m.id), f"{m.name} ({m.ags})") for m in municipalities
        ]
