"""Forms of the admin area for user accounts; the account operations do the domain checks."""

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

PASSWORD_MESSAGE = f"Das Passwort muss mindestens {PASSWORD_MIN_LENGTH} Zeichen lang sein."
NO_MUNICIPALITY = SelectChoice("", "– keine (nur für antragstellende Konten nötig) –")


class _UserForm(AppForm):
    """The fields an admin sets on every account."""

    name = StringField(
        "Name", validators=[InputRequired("Bitte geben Sie den Namen an."), Length(max=200)]
    )
    role = SelectField(
        "Rolle", choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()]
    )
    municipality = SelectField("Kommune")
    organisation = StringField("Organisation", validators=[Length(max=200)])
    can_sign = BooleanField("Zeichnungsbefugnis (darf Förderbescheide erlassen)")
    mentor_capacity = StringField(
        "Kapazität: gleichzeitige Mentorings", default="0", render_kw={"inputmode": "numeric"}
    )
    mentor_topics = SelectMultipleField(
        "Handlungsfelder",
        choices=[SelectChoice(value, label) for value, label in FIELDS_OF_ACTION.items()],
        validate_choice=False,  # the account operation names an unknown field of action
    )

    def validate_mentor_capacity(self, field) -> None:
        """Accept a whole number of at least 0 (empty means 0)."""
        if not (field.data or "0").strip().isdigit():
            raise ValidationError("Bitte geben Sie eine ganze Zahl ab 0 an.")

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
        "E-Mail-Adresse",
        validators=[
            InputRequired("Bitte geben Sie die E-Mail-Adresse an."),
            Email("Bitte geben Sie eine gültige E-Mail-Adresse an."),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Erstes Passwort",
        validators=[
            InputRequired("Bitte vergeben Sie ein erstes Passwort."),
            Length(min=PASSWORD_MIN_LENGTH, max=200, message=PASSWORD_MESSAGE),
        ],
    )


class UserEditForm(_UserForm):
    """Changes to an account; the password only changes when a new one is typed."""

    active = BooleanField("Konto ist aktiv (die Person kann sich anmelden)")
    password = PasswordField(
        "Neues Passwort (leer lassen, um es nicht zu ändern)",
        validators=[Optional(), Length(min=PASSWORD_MIN_LENGTH, max=200, message=PASSWORD_MESSAGE)],
    )
