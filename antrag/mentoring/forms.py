"""Forms of the mentoring pages: the kick-off date and the ministry's manual proposal."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..fields import AppForm, GermanDateField
from ..routing import parse_id

NO_MENTOR = SelectChoice("", _l("– bitte wählen –"))


def _to_id(value) -> int | None:
    """Return the chosen user id; an empty or edited value becomes None."""
    return parse_id(value)


class KickoffForm(AppForm):
    """Start the mentoring: the date of the kick-off meeting with the city."""

    version = HiddenField()
    kickoff_on = GermanDateField(
        _l("Auftakttermin"),
        validators=[InputRequired(_l("Bitte geben Sie das Datum des Auftakttermins an."))],
        render_kw={"inputmode": "numeric"},
    )


class GapProposalForm(AppForm):
    """The ministry chooses a mentor for a city no suitable mentor was left for."""

    mentor = SelectField(
        _l("Mentorin oder Mentor"),
        coerce=lambda value: _to_id(value),
        validators=[InputRequired(_l("Bitte wählen Sie eine Mentorin oder einen Mentor."))],
        validate_choice=False,  # the operation checks the choice and says why in German
    )

    def set_mentors(self, loads, users) -> None:
        """Offer the active mentors with their current load and capacity."""
        self.mentor.choices = [NO_MENTOR] + [
            SelectChoice(
                str(load.id),
                users[load.id].name
                + " "
                + _(
                    "(%(taken)s von %(capacity)s belegt)",
                    taken=load.active_assignments,
                    capacity=load.capacity,
                ),
            )
            for load in loads
            if load.active
        ]
