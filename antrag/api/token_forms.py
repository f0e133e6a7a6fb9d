"""The form that names a new personal API token."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..fields import AppForm
from .tokens import NAME_MAX


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class TokenForm(AppForm):
    """The token's name, so that its owner can tell it apart from others later."""

    name = StringField(
        _l("Name des Tokens"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Bitte geben Sie dem Token einen Namen.")),
            Length(
                max=NAME_MAX,
                message=_l("Der Name darf höchstens %(count)s Zeichen haben.", count=NAME_MAX),
            ),
        ],
    )
    submit = SubmitField(_l("Token erstellen"))
