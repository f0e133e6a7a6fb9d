"""The form that names a new personal API token."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..fields import AppForm
from .tokens import NAME_MAX


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class TokenForm(AppForm):
    """The token's name, so that its owner can tell it apart from others later."""

    name = StringField(
        "Name des Tokens",
        filters=[_strip],
        validators=[
            DataRequired("Bitte geben Sie dem Token einen Namen."),
            Length(max=NAME_MAX, message=f"Der Name darf höchstens {NAME_MAX} Zeichen haben."),
        ],
    )
    submit = SubmitField("Token erstellen")
