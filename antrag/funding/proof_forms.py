"""Forms of the proof of use beyond the report: receipts list, declared funds, the review."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..applications.forms import AmountField
from ..fields import AppForm, GermanDateField
from .proof_models import FUNDS_KINDS


def _positive(form, field):
    if field.data is not None and field.data <= 0:
        raise ValidationError(_("Der Betrag muss größer als 0 sein."))


class ReceiptForm(AppForm):
    """One row of the receipts list (Belegliste)."""

    version = HiddenField()
    project = SelectField(
        _l("Projekt"),
        coerce=int,
        validators=[InputRequired(_l("Bitte wählen Sie das Projekt."))],
    )
    paid_on = GermanDateField(
        _l("Zahlungsdatum"), validators=[InputRequired(_l("Bitte geben Sie das Datum an."))]
    )
    payee = StringField(
        _l("Empfänger"),
        validators=[
            InputRequired(_l("Bitte geben Sie den Empfänger an.")),
            Length(max=200, message=_l("Höchstens 200 Zeichen.")),
        ],
    )
    purpose = StringField(
        _l("Grund der Zahlung"),
        validators=[
            InputRequired(_l("Bitte geben Sie den Grund der Zahlung an.")),
            Length(max=300, message=_l("Höchstens 300 Zeichen.")),
        ],
    )
    amount = AmountField(
        _l("Betrag in Euro"),
        validators=[InputRequired(_l("Bitte geben Sie einen Betrag an.")), _positive],
    )

    @classmethod
    def for_projects(cls, projects, **kwargs):
        """Return the form with the application's projects to choose from."""
        form = cls(**kwargs)
        form.project.choices = [SelectChoice(p.id, p.title) for p in projects]
        return form


class FundsForm(AppForm):
    """Income or third-party funds received for the purpose."""

    version = HiddenField()
    kind = SelectField(
        _l("Art"),
        choices=[SelectChoice(value, label) for value, label in FUNDS_KINDS.items()],
        validators=[InputRequired(_l("Bitte wählen Sie die Art."))],
    )
    description = StringField(
        _l("Beschreibung (Herkunft)"),
        validators=[
            InputRequired(_l("Bitte beschreiben Sie, woher die Mittel stammen.")),
            Length(max=300, message=_l("Höchstens 300 Zeichen.")),
        ],
    )
    amount = AmountField(
        _l("Betrag in Euro"),
        validators=[InputRequired(_l("Bitte geben Sie einen Betrag an.")), _positive],
    )


class RemoveForm(AppForm):
    """Removing a row: only the version the user saw."""

    version = HiddenField()


class ReviewForm(AppForm):
    """The reviewer's verdict; fields per project and per receipt are added by `for_proof`."""

    version = HiddenField()

    @classmethod
    def for_proof(cls, proof, formdata=None):
        """Return a form with recognised amount and reason per project, a flag per receipt."""

        class _Form(cls):
            pass

        for line in proof.lines:
            title = line.project.title
            setattr(
                _Form,
                f"recognised_{line.project_id}",
                AmountField(
                    _l("Anerkannte Ausgaben für „%(title)s“ in Euro", title=title),
                    validators=[Optional()],
                ),
            )
            setattr(
                _Form,
                f"reason_{line.project_id}",
                TextAreaField(
                    _l("Begründung, soweit nicht anerkannt"),
                    validators=[Optional(), Length(max=5000)],
                ),
            )
        for receipt in proof.receipts:
            setattr(_Form, f"refused_{receipt.id}", BooleanField(_l("Nicht anerkannt")))
            setattr(
                _Form,
                f"receipt_reason_{receipt.id}",
                StringField(_l("Begründung"), validators=[Optional(), Length(max=2000)]),
            )
        form = _Form(formdata=formdata) if formdata is not None else _Form()
        if formdata is None:
            form.version.data = proof.case.version
            for line in proof.lines:
                getattr(form, f"recognised_{line.project_id}").data = line.recognised
                getattr(form, f"reason_{line.project_id}").data = line.not_recognised_reason
            for receipt in proof.receipts:
                getattr(form, f"refused_{receipt.id}").data = receipt.not_recognised
                getattr(form, f"receipt_reason_{receipt.id}").data = receipt.not_recognised_reason
        return form

    def verdict(self, proof) -> tuple[dict, dict]:
        """Return (project id → (recognised, reason), receipt id → (refused, reason))."""
        lines = {
            line.project_id: (
                getattr(self, f"recognised_{line.project_id}").data,
                getattr(self, f"reason_{line.project_id}").data,
            )
            for line in proof.lines
        }
        receipts = {
            r.id: (
                bool(getattr(self, f"refused_{r.id}").data),
                getattr(self, f"receipt_reason_{r.id}").data,
            )
            for r in proof.receipts
        }
        return lines, receipts
