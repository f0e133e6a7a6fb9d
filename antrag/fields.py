"""Form fields that read and write German formats: amounts (`60.750,00`) and dates (`14.05.2019`),
and the base form of the app that holds every text field to the rule of `input_text`."""

from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, TextAreaField
from wtforms.widgets import TextInput

from .formats import format_amount, format_input_date, parse_amount, parse_date
from .input_text import text_problem


class _GermanField(Field):
    """A text field that keeps exactly what was typed when parsing fails."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.format(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = self.parse(valuelist[0])
            except ValueError as exc:
                self.data = None
                raise ValueError(str(exc)) from None

    def parse(self, text):  # pragma: no cover - overridden
        raise ValueError(text)

    def format(self, value) -> str:  # pragma: no cover - overridden
        return str(value)


class GermanDecimalField(_GermanField):
    """An amount in euro, typed as `60.750,00`; `data` is a Decimal or None."""

    def parse(self, text):
        return parse_amount(text)

    def format(self, value) -> str:
        return format_amount(value)


class GermanDateField(_GermanField):
    """A date typed as `14.05.2019` (in every language); `data` is a date or None."""

    def parse(self, text):
        return parse_date(text)

    def format(self, value) -> str:
        return format_input_date(value)


def _refuse_control_characters(form) -> bool:
    """Add a field-level error to every field whose typed text breaks the rule of `input_text`."""
    ok = True
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    ok = _refuse_control_characters(entry.form) and ok
                else:
                    ok = _check_field(entry) and ok
        elif isinstance(field, FormField):
            ok = _refuse_control_characters(field.form) and ok
        else:
            ok = _check_field(field) and ok
    return ok


def _check_field(field) -> bool:
    for value in field.raw_data or ():
        if not isinstance(value, str):
            continue  # an uploaded file: its name is checked where it is stored
        problem = text_problem(value, multiline=isinstance(field, TextAreaField))
        if problem:
            errors = field.errors if isinstance(field.errors, list) else list(field.errors)
            if problem not in errors:
                errors.append(problem)
            field.errors = errors
            return False
    return True


class AppForm(FlaskForm):
    """The base of the app's forms: every text field follows `input_text` (text areas multi-line).

    The check runs after the fields' own validators and adds its message to the field, so the
    page shows it beside the field like any other validation error (the views answer 422).
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return _refuse_control_characters(self) and valid
