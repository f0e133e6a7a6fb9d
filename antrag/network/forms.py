"""Forms of the network pages: the directory filter, a project's sharing choice, barrier reports."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..applications.models import FIELDS_OF_ACTION
from ..fields import AppForm


def _strip(value):
    """Trim surrounding blanks; an empty text becomes None."""
    if isinstance(value, str):
        value = value.strip()
    return value or None


def _email(label):
    """Return an optional, validated e-mail field."""
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("Höchstens 254 Zeichen.")),
            Email(
                _l("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@stadt.de.")
            ),
        ],
        render_kw={"autocomplete": "email"},
    )


class DirectoryFilterForm(AppForm):
    """The directory's filter, sent as a readable GET parameter (`?handlungsfeld=mobilitaet`)."""

    class Meta:
        csrf = False

    field_of_action = SelectField(
        _l("Handlungsfeld"),
        name="handlungsfeld",
        choices=[
            SelectChoice("", _l("Alle Handlungsfelder")),
            *(SelectChoice(key, _l(label)) for key, label in FIELDS_OF_ACTION.items()),
        ],
        validate_choice=False,  # checked below, with a German message
    )

    def validate_field_of_action(self, field) -> None:
        """Refuse a value that is not a field of action (e.g. an edited URL)."""
        if field.data and field.data not in FIELDS_OF_ACTION:
            raise ValidationError(_l("Dieses Handlungsfeld gibt es nicht."))

    def chosen(self) -> str | None:
        """Return the chosen field of action, or None for all (also when the value is unknown)."""
        value = self.field_of_action.data
        return value if value in FIELDS_OF_ACTION else None


class ShareForm(AppForm):
    """A city's choice to show one project in the public directory."""

    shared = BooleanField(_l("Dieses Projekt im Netzwerk teilen"))
    summary = TextAreaField(
        _l("Öffentliche Kurzbeschreibung (freiwillig)"),
        filters=[_strip],
        validators=[Length(max=2000, message=_l("Höchstens 2000 Zeichen."))],
    )
    contact_email = _email(_l("Kontakt-E-Mail für andere Städte (freiwillig)"))


class FeedbackForm(AppForm):
    """A report of a barrier: where, what, and optionally who to answer."""

    page_url = StringField(
        _l("Seite, auf der die Barriere auftritt"),
        filters=[_strip],
        validators=[Length(max=500, message=_l("Höchstens 500 Zeichen."))],
    )
    description = TextAreaField(
        _l("Beschreibung der Barriere"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Bitte beschreiben Sie die Barriere.")),
            Length(max=5000, message=_l("Höchstens 5000 Zeichen.")),
        ],
    )
    name = StringField(
        _l("Ihr Name (freiwillig)"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("Höchstens 200 Zeichen."))],
        render_kw={"autocomplete": "name"},
    )
    email = _email(_l("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"))
