"""The form of a message: text, an optional PDF, and for the ministry the internal flag."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField

from ..fields import AppForm
from .operations import BODY_MAX


class MessageForm(AppForm):
    body = TextAreaField(
        _l("Nachricht"),
        render_kw={"rows": 6, "maxlength": BODY_MAX, "required": True, "aria-required": "true"},
    )
    attachment = FileField(
        _l("Anlage (PDF, höchstens 10 MB, freiwillig)"),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    internal = BooleanField(_l("Interne Notiz: nur für das Ministerium sichtbar, ohne E-Mail"))
