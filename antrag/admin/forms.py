"""Forms of the admin area for user accounts; the account operations do the domain checks."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from ..accounts.models import PASSWORD_MIN_LENGTH, ROLE_LABELS
from ..applications.models import FIELDS_OF_ACTION
from ..fields import AppForm

PASSWORD_MESSAGE = _l(
    "Das Passwort muss mindestens %(count)s Zeichen lang sein.", count=PASSWORD_MIN_LENGTH
)
NO_MUNICIPALITY = SelectChoice("", _l("– keine (nur für antragstellende Konten nötig) –"))


class _UserForm(AppForm):
    """The fields an admin sets on every account."""

    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Bitte geben Sie den Namen an.")), Length(max=200)]
    )
    role = SelectField(
        _l("Rolle"),
        choices=[SelectChoice(value, _l(label)) for value, label in ROLE_LABELS.items()],
    )
    municipality = SelectField(_l("Kommune"))
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    can_sign = BooleanField(_l("Zeichnungsbefugnis (darf Förderbescheide erlassen)"))
    lead = BooleanField(_l("Referatsleitung (sieht eskalierte Aufgaben im Eingang)"))
    may_represent = BooleanField(_l("Vertretungsbefugnis (darf für die Kommune erklären)"))
    represents_as = StringField(_l("Handelt als"), validators=[Length(max=200)])
    function = StringField(
        _l("Funktion"),
        validators=[Length(max=200, message=_l("Höchstens %(count)s Zeichen.", count=200))],
    )
    unit = StringField(
        _l("Organisationseinheit"),
        validators=[Length(max=200, message=_l("Höchstens %(count)s Zeichen.", count=200))],
    )
    phone = StringField(
        _l("Telefon"),
        validators=[Length(max=50, message=_l("Höchstens %(count)s Zeichen.", count=50))],
        render_kw={"autocomplete": "off"},
    )
    mentor_capacity = StringField(
        _l("Kapazität: gleichzeitige Mentorings"), default="0", render_kw={"inputmode": "numeric"}
    )
    mentor_topics = SelectMultipleField(
        _l("Handlungsfelder"),
        choices=[SelectChoice(value, _l(label)) for value, label in FIELDS_OF_ACTION.items()],
        validate_choice=False,  # the account operation names an unknown field of action
    )

    def validate_mentor_capacity(self, field) -> None:
        """Accept a whole number of at least 0 (empty means 0)."""
        text = (field.data or "0").strip()
        if not text.isascii() or not text.isdigit():  # "²".isdigit() is true, int("²") fails
            raise ValidationError(_l("Bitte geben Sie eine ganze Zahl ab 0 an."))

    def capacity(self) -> int:
        """Return the validated capacity as a number."""
        return int((self.mentor_capacity.data or "0").strip())

    def set_municipalities(self, municipalities) -> None:
        """Offer the municipalities by their key, with an empty choice for other roles."""
        self.municipality.choices = [NO_MUNICIPALITY] + [
            SelectChoice(m.ags, f"{m.name} ({m.ags})") for m in municipalities
        ]


class UserCreateForm(_UserForm):
    """A new account with its e-mail address and initial password."""

    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[
            InputRequired(_l("Bitte geben Sie die E-Mail-Adresse an.")),
            Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse an.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Erstes Passwort"),
        validators=[
            InputRequired(_l("Bitte vergeben Sie ein erstes Passwort.")),
            Length(min=PASSWORD_MIN_LENGTH, max=200, message=PASSWORD_MESSAGE),
        ],
    )


class UserEditForm(_UserForm):
    """Changes to an account; the password only changes when a new one is typed."""

    active = BooleanField(_l("Konto ist aktiv (die Person kann sich anmelden)"))
    password = PasswordField(
        _l("Neues Passwort (leer lassen, um es nicht zu ändern)"),
        validators=[Optional(), Length(min=PASSWORD_MIN_LENGTH, max=200, message=PASSWORD_MESSAGE)],
    )
