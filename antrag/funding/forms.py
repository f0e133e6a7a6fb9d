"""Forms of the funding area: the call-off of funds and the proof of use."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..applications.forms import AmountField
from ..fields import AppForm


class CallOffForm(AppForm):
    """A call-off: the amount in euro and an optional note."""

    amount = AmountField(
        _l("Betrag in Euro"), validators=[InputRequired(_l("Bitte geben Sie einen Betrag an."))]
    )
    note = TextAreaField(
        _l("Verwendungszweck (freiwillig)"), validators=[Optional(), Length(max=2000)]
    )

    def validate_amount(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_("Der Betrag muss größer als 0 sein."))


class ProofForm(AppForm):
    """The narrative report; the expenditure fields per project are added by `for_projects`."""

    version = HiddenField()
    report = TextAreaField(_l("Sachbericht"), validators=[Optional(), Length(max=20000)])

    @classmethod
    def for_projects(cls, projects, proof=None, formdata=None):
        """Return a form with one German amount field per project, filled from `proof`."""

        class _Form(cls):
            pass

        for project in projects:
            setattr(
                _Form,
                f"spent_{project.id}",
                AmountField(
                    _l("Ausgaben für „%(title)s“ in Euro", title=project.title),
                    validators=[Optional()],
                ),
            )
        form = _Form(formdata=formdata) if formdata is not None else _Form()
        if formdata is None and proof is not None:
            form.version.data = proof.case.version
            form.report.data = proof.report
            for line in proof.lines:
                getattr(form, f"spent_{line.project_id}").data = line.spent
        return form

    def spent(self, projects) -> dict:
        """Return project id → amount (None where left empty)."""
        return {p.id: getattr(self, f"spent_{p.id}").data for p in projects}


class ProofUploadForm(AppForm):
    """A PDF document for the proof of use."""

    version = HiddenField()
    document = FileField(_l("Beleg oder Bericht (PDF, höchstens 10 MB)"))
