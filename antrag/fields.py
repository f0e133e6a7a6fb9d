"""Form fields that read and write German formats: amounts (`60.750,00`) and dates (`14.05.2019`)."""

from wtforms import Field
from wtforms.widgets import TextInput

from .formats import format_amount, format_date, parse_amount, parse_date


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
    """A date typed as `14.05.2019`; `data` is a date or None."""

    def parse(self, text):
        return parse_date(text)

    def format(self, value) -> str:
        return format_date(value)
