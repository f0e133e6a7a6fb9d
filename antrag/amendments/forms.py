"""The form of an amendment notice: its changes and its reasons."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..applications.forms import AmountField
from ..fields import AppForm, GermanDateField


class AmendmentForm(AppForm):
    """One or more changes (new period end, reduced amount, a condition) and the reasons."""

    version = HiddenField()
    new_period_end = GermanDateField(
        _l("Neues Ende des Bewilligungszeitraums (freiwillig)"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    new_amount = AmountField(_l("Geminderter Betrag in Euro (freiwillig)"), validators=[Optional()])
    condition = TextAreaField(
        _l("Zusätzliche Auflage (freiwillig)"), validators=[Optional(), Length(max=5000)]
    )
    reasons = TextAreaField(
        _l("Begründung (§ 39 VwVfG)"),
        validators=[
            InputRequired(_l("Bitte geben Sie die Begründung an (§ 39 VwVfG).")),
            Length(max=20000),
        ],
    )

    def values(self) -> dict:
        """Return the changes and reasons as the operations take them."""
        return {
            "new_amount": self.new_amount.data,
            "new_period_end": self.new_period_end.data,
            "condition": self.condition.data,
            "reasons": self.reasons.data or "",
        }
