"""Login form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        "E-Mail-Adresse",
        validators=[
            DataRequired("Bitte geben Sie Ihre E-Mail-Adresse an."),
            Email("Bitte geben Sie eine gültige E-Mail-Adresse an."),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Passwort", validators=[DataRequired("Bitte geben Sie Ihr Passwort an."), Length(max=200)]
    )
    submit = SubmitField("Anmelden")
