"""Login form."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..fields import AppForm


class LoginForm(AppForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
            Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse an.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an.")), Length(max=200)],
    )
    submit = SubmitField(_l("Anmelden"))


class TotpCodeForm(AppForm):
    """The six-digit code of the authenticator app."""

    code = StringField(
        _l("Code aus der Authenticator-App"),
        validators=[
            DataRequired(_l("Bitte geben Sie den sechsstelligen Code an.")),
            Length(max=12, message=_l("Der Code hat sechs Ziffern.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class RecoveryCodeForm(AppForm):
    """One of the recovery codes shown at enrolment."""

    code = StringField(
        _l("Wiederherstellungscode"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Wiederherstellungscode an.")),
            Length(max=20, message=_l("Ein Wiederherstellungscode hat zehn Zeichen.")),
        ],
        render_kw={"autocomplete": "off"},
    )
