"""Forms of the inbox: hand a task over, record a stand-in, decline the digest."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from ..fields import AppForm, GermanDateField

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class HandOverForm(AppForm):
    """Hand a task to a named colleague."""

    holder = SelectField(_l("Weitergeben an"), coerce=int, validators=[InputRequired(REQUIRED)])


class StandInForm(AppForm):
    """Colleague X stands in for Y from a day to a day."""

    absent = SelectField(_l("Abwesend"), coerce=int, validators=[InputRequired(REQUIRED)])
    stand_in = SelectField(_l("Vertreten durch"), coerce=int, validators=[InputRequired(REQUIRED)])
    starts_on = GermanDateField(_l("Von"), validators=[InputRequired(REQUIRED)])
    ends_on = GermanDateField(_l("Bis"), validators=[InputRequired(REQUIRED)])

    def set_people(self, reviewers) -> None:
        """Offer the active reviewers."""
        choices = [(u.id, u.name) for u in reviewers]
        self.absent.choices = choices
        self.stand_in.choices = choices


class DigestForm(AppForm):
    """Whether the person gets the daily digest of their inbox."""

    digest = BooleanField(_l("Tägliche Zusammenfassung meines Eingangs per E-Mail erhalten"))
