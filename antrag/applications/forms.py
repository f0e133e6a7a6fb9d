"""The application form: contact, projects, amounts, council resolution and declarations.

A draft may be incomplete, so no field is required here; completeness is the submit guard's
business (`rules.missing_parts`). What is typed must still be well-formed.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, Regexp, ValidationError

from ..fields import AppForm, GermanDateField, GermanDecimalField
from ..formats import format_money
from ..routing import parse_id
from .models import FIELDS_OF_ACTION
from .storage import UploadRefused, check_pdf

MAX_PROJECTS = 20
MAX_AMOUNT = Decimal("9999999999.99")  # what a Numeric(12, 2) column holds
DESCRIPTION_MAX = 5000
PHONE_PATTERN = r"^[0-9+()/ \-]*$"
PHONE_MESSAGE = _l("Bitte nur Ziffern, Leerzeichen und die Zeichen + ( ) / - verwenden.")
EMAIL_MESSAGE = _l("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@stadt.de.")
APPLICATION_FIELDS = (
    "contact_name",
    "contact_function",
    "contact_email",
    "contact_phone",
    "head_of_administration",
    "requested_amount",
    "own_contribution",
    "third_party_funds",
    "early_start_requested",
    "early_start_reason",
    "declaration_no_early_start",
    "declaration_accuracy",
    "declaration_privacy",
)
PROJECT_FIELDS = (
    "title",
    "description",
    "field_of_action",
    "period_start",
    "period_end",
    "estimated_cost",
)


@dataclass(frozen=True)
class Upload:
    """A checked file from the form, not yet stored."""

    filename: str
    data: bytes


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_empty(value):
    return None if value == "" else value


def _text(label: str, limit: int, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[Length(max=limit, message=_l("Höchstens %(count)s Zeichen.", count=limit))],
        **kwargs,
    )


class AmountField(GermanDecimalField):
    """A German amount in euro that is never negative and fits the money column."""

    def parse(self, text):
        if text.strip().startswith("-"):
            raise ValueError(_("Der Betrag darf nicht negativ sein."))
        return super().parse(text)

    def pre_validate(self, form):
        if self.data is not None and self.data > MAX_AMOUNT:
            raise ValidationError(
                _("Der Betrag darf höchstens %(amount)s sein.", amount=format_money(MAX_AMOUNT))
            )


class ProjectForm(Form):
    """One digitalisation project; a row marked for removal is not validated."""

    project_id = HiddenField(_l("Projektnummer"))
    title = _text(_l("Projekttitel"), 200)
    description = TextAreaField(
        _l("Beschreibung"),
        filters=[_strip],
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=_l("Höchstens %(count)s Zeichen.", count=DESCRIPTION_MAX),
            )
        ],
        render_kw={"rows": 4},
    )
    field_of_action = SelectField(
        _l("Handlungsfeld"),
        choices=[SelectChoice("", _l("Bitte wählen"))]
        + [SelectChoice(value, _l(label)) for value, label in FIELDS_OF_ACTION.items()],
        validate_choice=False,
    )
    period_start = GermanDateField(_l("Beginn"), render_kw={"inputmode": "numeric"})
    period_end = GermanDateField(_l("Ende"), render_kw={"inputmode": "numeric"})
    estimated_cost = AmountField(_l("Geschätzte Kosten (EUR)"), render_kw={"inputmode": "decimal"})
    remove = BooleanField(_l("Projekt entfernen"))

    def validate(self, extra_validators=None) -> bool:
        return True if self.remove.data else super().validate(extra_validators)

    def validate_project_id(self, field):
        if field.data and parse_id(field.data) is None:  # an edited page, not a typing error
            raise ValidationError(
                _("Die Nummer dieses Projekts ist ungültig. Bitte laden Sie die Seite neu.")
            )

    def validate_field_of_action(self, field):
        if field.data and field.data not in FIELDS_OF_ACTION:
            raise ValidationError(_("Bitte wählen Sie ein Handlungsfeld aus der Liste."))

    def validate_period_end(self, field):
        start = self.period_start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_("Das Ende darf nicht vor dem Beginn liegen."))

    def is_blank(self) -> bool:
        """Return whether nothing was entered in this row."""
        return all(getattr(self, name).data in (None, "") for name in PROJECT_FIELDS)

    def to_data(self) -> dict:
        """Return the row as plain values for `operations.save_application`."""
        raw_id = self.project_id.data or ""
        return {
            "id": parse_id(raw_id),
            "remove": bool(self.remove.data) or self.is_blank(),
            **{name: _none_if_empty(getattr(self, name).data) for name in PROJECT_FIELDS},
        }


class ApplicationForm(AppForm):
    """The whole application as one multipart form; a draft may leave any field empty."""

    version = HiddenField()
    contact_name = _text(_l("Name der Ansprechperson"), 200, render_kw={"autocomplete": "name"})
    contact_function = _text(_l("Funktion"), 200, render_kw={"autocomplete": "organization-title"})
    contact_email = EmailField(
        _l("E-Mail-Adresse"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("Höchstens %(count)s Zeichen.", count=254)),
            Email(EMAIL_MESSAGE),
        ],
        render_kw={"autocomplete": "email"},
    )
    contact_phone = TelField(
        _l("Telefon"),
        filters=[_strip],
        validators=[
            Length(max=50, message=_l("Höchstens %(count)s Zeichen.", count=50)),
            Regexp(PHONE_PATTERN, message=PHONE_MESSAGE),
        ],
        render_kw={"autocomplete": "tel"},
    )
    head_of_administration = _text(_l("Verwaltungsspitze (Name)"), 200)
    projects = FieldList(FormField(ProjectForm), min_entries=1, max_entries=MAX_PROJECTS)
    add_project = SubmitField(_l("Projekt hinzufügen"))
    requested_amount = AmountField(
        _l("Beantragter Betrag (EUR)"), render_kw={"inputmode": "decimal"}
    )
    own_contribution = AmountField(_l("Eigenanteil (EUR)"), render_kw={"inputmode": "decimal"})
    third_party_funds = AmountField(_l("Drittmittel (EUR)"), render_kw={"inputmode": "decimal"})
    early_start_requested = BooleanField(
        _l(
            "Wir beantragen den vorzeitigen Maßnahmebeginn: Mindestens ein Projekt beginnt "
            "vor dem Förderbescheid."
        )
    )
    early_start_reason = TextAreaField(
        _l("Begründung des vorzeitigen Maßnahmebeginns"),
        filters=[_strip],
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=_l("Höchstens %(count)s Zeichen.", count=DESCRIPTION_MAX),
            )
        ],
        render_kw={"rows": 3},
    )
    council_resolution = FileField(
        _l("Ratsbeschluss (PDF, höchstens 10 MB)"), render_kw={"accept": "application/pdf,.pdf"}
    )
    declaration_no_early_start = BooleanField(
        _l(
            "Wir erklären, dass mit keinem der Projekte vor der Bewilligung begonnen wurde "
            "(kein vorzeitiger Maßnahmebeginn). Entfällt, wenn Sie den vorzeitigen "
            "Maßnahmebeginn beantragen."
        )
    )
    declaration_accuracy = BooleanField(
        _l("Wir erklären, dass die Angaben in diesem Antrag vollständig und richtig sind.")
    )
    declaration_privacy = BooleanField(
        _l("Ich erkläre, dass ich die Datenschutzhinweise zu diesem Verfahren gelesen habe.")
    )
    save = SubmitField(_l("Entwurf speichern"))

    upload: Upload | None = None

    @classmethod
    def for_application(cls, application) -> "ApplicationForm":
        """Return the form filled with the stored application (for GET)."""
        data = {name: getattr(application, name) for name in APPLICATION_FIELDS}
        data["version"] = application.case.version
        data["projects"] = [
            {"project_id": str(p.id), **{name: getattr(p, name) for name in PROJECT_FIELDS}}
            for p in application.projects
        ]
        return cls(formdata=None, data=data)

    def validate_council_resolution(self, field):
        if not field.data:
            return
        data = field.data.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        try:
            check_pdf(data)
        except UploadRefused as exc:
            raise ValidationError(str(exc)) from None
        self.upload = Upload(field.data.filename or "", data)

    def validate_add_project(self, field):
        kept = [e for e in self.projects if not e.form.remove.data]
        if field.data and len(kept) >= MAX_PROJECTS:
            raise ValidationError(
                _("Ein Antrag kann höchstens %(count)s Projekte enthalten.", count=MAX_PROJECTS)
            )

    def to_data(self) -> dict:
        """Return the cleaned values for `operations.save_application`."""
        data = {name: _none_if_empty(getattr(self, name).data) for name in APPLICATION_FIELDS}
        data["projects"] = [entry.form.to_data() for entry in self.projects]
        data["add_project"] = bool(self.add_project.data)
        data["council_resolution"] = self.upload
        return data

    def error_items(self) -> list[tuple[str, str, str]]:
        """Return (field id, label, message) for every error, projects numbered, for the summary."""
        items = []
        for field in self:
            if field.name == "projects":
                for number, entry in enumerate(field, start=1):
                    for sub in entry.form:
                        items += [
                            (
                                sub.id,
                                _("Projekt %(number)s", number=number) + f" – {sub.label.text}",
                                e,
                            )
                            for e in sub.errors
                        ]
            else:
                items += [(field.id, field.label.text, e) for e in field.errors]
        return items
