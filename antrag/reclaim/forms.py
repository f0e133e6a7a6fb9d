"""Forms of the reclaim: opening it for a purpose not met, and the PDF of the city's answer."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..applications.forms import AmountField
from ..fields import AppForm, GermanDateField


class OpenReclaimForm(AppForm):
    """A reviewer opens a reclaim: the amount, what was not met, when the ministry learned it."""

    amount = AmountField(
        _l("Zurückzufordernder Betrag in Euro"),
        validators=[InputRequired(_l("Bitte geben Sie einen Betrag an."))],
    )
    reason = TextAreaField(
        _l("Sachverhalt: welcher Zweck nicht erreicht wurde"),
        validators=[InputRequired(_l("Bitte beschreiben Sie den Sachverhalt.")), Length(max=20000)],
    )
    facts_known_on = GermanDateField(
        _l("Kenntnis der Tatsachen am (Beginn der Jahresfrist)"),
        validators=[InputRequired(_l("Bitte geben Sie den Tag an."))],
    )


class AnswerUploadForm(AppForm):
    """A PDF the city attaches to its answer in the hearing."""

    version = HiddenField()
    document = FileField(_l("Unterlagen zur Stellungnahme (PDF)"))
