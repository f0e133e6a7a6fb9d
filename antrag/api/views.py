"""API endpoints beyond the uniform workflow resources: creating and editing applications,
uploads and downloads, call-offs, proofs of use, and the master data a client needs.

Views load → check → act → respond, and call the same operations as the web UI.
"""

from contextlib import contextmanager

from flask import jsonify, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import engine
from ..accounts.models import User
from ..amendments.models import AmendmentNotice
from ..applications.models import Application, Attachment
from ..applications.operations import CreationRefused, create_application, save_application
from ..applications.storage import UploadRefused, path_of, store_pdf
from ..engine.errors import NotAllowed, WrongState
from ..extensions import db
from ..funding import storage as funding_storage
from ..funding.models import FundingNotice, ProofAttachment, ProofOfUse
from ..funding.operations import attach_to_proof, request_call_off, save_proof
from ..funding.proof_operations import replace_declarations
from ..input_text import text_problem
from ..mentoring.models import MentoringGap
from ..mentoring.operations import MentoringRefused, mentor_loads, propose_for_gap
from ..notices.models import RejectionNotice
from ..notices.retrieval import retrieve_on_download
from ..programme.models import Municipality, Round
from ..routing import parse_id
from . import openapi, serializers
from .application_inputs import application_data
from .blueprint import bp
from .inputs import (
    MAX_ID,
    get_amount,
    get_int,
    get_text,
    get_visible,
    json_body,
    multipart_form,
    pagination,
)
from .problems import ApiProblem, invalid
from .proof_inputs import funds_input, receipts_input
from .resources import BY_NAME

NOT_FOUND = "Diese Ressource gibt es nicht, oder Sie dürfen sie nicht sehen."


def _page_of(query, page: int, per_page: int, represent):
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return jsonify(items=[represent(r) for r in rows], page=page, per_page=per_page, total=total)


def _created(resource_name: str, obj, location: str | None = None):
    resource = BY_NAME[resource_name]
    response = jsonify(resource.represent(obj, current_user, detail=True))
    response.status_code = 201
    response.headers["Location"] = location or resource.url(obj)
    return response


def _file(path, content_type: str, name: str):
    if path is None or not path.is_file():
        raise ApiProblem(404, "Die Datei ist nicht vorhanden.")
    return send_file(path, mimetype=content_type, as_attachment=True, download_name=name)


# --- the caller, rounds, municipalities, workflows ---------------------------------------


@bp.get("/me")
def me():
    """The account the token belongs to."""
    return jsonify(serializers.me(current_user))


@bp.get("/rounds")
def rounds():
    """The application rounds; the ministry also sees each round's budget figures."""
    page, per_page = pagination()
    query = select(Round).order_by(Round.opens_on.desc(), Round.id.desc())
    return _page_of(query, page, per_page, lambda r: serializers.round_(r, current_user))


@bp.get("/municipalities")
def municipalities():
    """The municipalities of Rhineland-Palatinate known to Antrag (filter `q`: name or AGS)."""
    page, per_page = pagination()
    query = select(Municipality).order_by(Municipality.name, Municipality.id)
    q = request.args.get("q")
    if q:
        if len(q) > 100 or text_problem(q, multiline=False):
            raise invalid({"q": "Bitte geben Sie höchstens 100 gültige Zeichen an."})
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Municipality.name.ilike(pattern, escape="\\"),
                Municipality.ags.like(pattern, escape="\\"),
            )
        )
    return _page_of(query, page, per_page, serializers.municipality)


@bp.get("/workflows")
def workflows():
    """Every workflow definition: states with labels and finality, transitions with roles."""
    definitions = sorted(engine.workflows().all(), key=lambda d: (d.name, d.version))
    return jsonify(items=[serializers.workflow(d) for d in definitions])


# --- applications ----------------------------------------------------------------------


@bp.post("/applications")
def create_application_view():
    """Start a draft in a round (`round_id`), optionally with the first field values."""
    body = json_body()
    if current_user.role != "applicant":
        raise NotAllowed("Nur antragstellende Kommunen können einen Antrag anlegen.")
    errors: dict[str, str] = {}
    round_id = get_int(body, "round_id", errors)
    if errors:
        raise invalid(errors)
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise invalid({"round_id": "Diese Antragsrunde gibt es nicht."})
    fields = {k: v for k, v in body.items() if k != "round_id"}
    _refuse_unknown(fields)
    try:
        application = create_application(current_user, round_)
    except CreationRefused as exc:
        if exc.existing is None:
            raise
        raise ApiProblem(
            409,
            exc.message,
            kind="conflict",
            existing=BY_NAME["application"].url(exc.existing),
        ) from None
    if fields:
        save_application(current_user, application, application_data(application, fields))
    db.session.commit()
    return _created("application", application)


@bp.patch("/applications/<int:object_id>")
def update_application(object_id: int):
    """Change fields of an editable application; `version` is the one the client last saw."""
    application = get_visible(Application, object_id, current_user)
    body = json_body()
    errors: dict[str, str] = {}
    version = get_int(body, "version", errors)
    fields = {k: v for k, v in body.items() if k != "version"}
    _refuse_unknown(fields, errors)
    if errors:
        raise invalid(errors)
    _check_application_editable(application)
    data = application_data(application, fields)
    engine.touch(application.case, version)
    save_application(current_user, application, data)
    db.session.commit()
    application = db.session.get(Application, object_id)
    return jsonify(BY_NAME["application"].represent(application, current_user, detail=True))


@bp.post("/applications/<int:object_id>/attachments")
def upload_application_attachment(object_id: int):
    """Upload the council resolution (PDF) as multipart: `file` and `version`."""
    application = get_visible(Application, object_id, current_user)
    form, files = multipart_form()
    version = _form_version(form)
    _check_application_editable(application)
    data, name = _upload(files)
    engine.touch(application.case, version)
    with _refused_upload():
        attachment = store_pdf(application, data, name, current_user)
    db.session.commit()
    application = db.session.get(Application, object_id)
    location = url_for(
        "api.application_attachment", object_id=application.id, attachment_id=attachment.id
    )
    return _created("application", application, location)


@bp.get("/applications/<int:object_id>/attachments/<int:attachment_id>")
def application_attachment(object_id: int, attachment_id: int):
    """Download an attachment of a visible application."""
    application = get_visible(Application, object_id, current_user)
    found = db.session.get(Attachment, attachment_id) if attachment_id <= MAX_ID else None
    if found is None or found.application_id != application.id:
        raise ApiProblem(404, NOT_FOUND)
    return _file(path_of(found), found.content_type, found.original_name)


def _check_application_editable(application: Application) -> None:
    if application.can_edit(current_user):
        return
    if current_user.role != "applicant":
        raise NotAllowed("Nur die antragstellende Kommune kann ihren Antrag bearbeiten.")
    raise WrongState(
        f"Der Antrag ist im Status „{serializers.case_fields(application.case)['state_label']}“ "
        "und kann nicht bearbeitet werden."
    )


def _refuse_unknown(fields: dict, errors: dict | None = None) -> None:
    from .application_inputs import AMOUNTS, DECLARATIONS, TEXT_LIMITS

    allowed = {*TEXT_LIMITS, *AMOUNTS, *DECLARATIONS, "early_start_reason", "projects"}
    unknown = {k: "Dieses Feld gibt es nicht." for k in fields if k not in allowed}
    if errors is not None:
        errors.update(unknown)
    elif unknown:
        raise invalid(unknown)


def _upload(files) -> tuple[bytes, str]:
    """Return the bytes and the file name of the multipart field `file` (422 if missing)."""
    upload = files.get("file")
    if upload is None or not upload.filename:
        raise invalid({"file": "Bitte senden Sie eine PDF-Datei im Feld „file“."})
    return upload.read(), upload.filename


@contextmanager
def _refused_upload():
    """Turn a refused file (not a PDF, too large, empty) into a 422 on the field `file`."""
    try:
        yield
    except UploadRefused as exc:
        raise invalid({"file": str(exc)}) from None


def _form_version(form) -> int:
    version = parse_id(form.get("version", ""))
    if version is None:
        raise invalid({"version": "Bitte geben Sie die Version an, die Sie zuletzt gesehen haben."})
    return version


# --- funding notices, call-offs, proofs of use -------------------------------------------


@bp.get("/funding-notices/<int:object_id>/pdf")
def notice_pdf(object_id: int):
    """The issued notice as the PDF that was stored when it was issued."""
    found = get_visible(FundingNotice, object_id, current_user)
    retrieve_on_download(found)  # a city's first download retrieves a notice provided to it
    path = funding_storage.notice_pdf_path(found)
    return _file(path, "application/pdf", f"Foerderbescheid-{found.file_reference}.pdf")


@bp.get("/rejection-notices/<int:object_id>/pdf")
def rejection_notice_pdf(object_id: int):
    """The issued rejection notice as the PDF that was stored when it was issued."""
    found = get_visible(RejectionNotice, object_id, current_user)
    retrieve_on_download(found)  # a city's first download retrieves a notice provided to it
    path = funding_storage.notice_pdf_path(found)
    return _file(path, "application/pdf", f"Ablehnungsbescheid-{found.file_reference}.pdf")


@bp.get("/amendment-notices/<int:object_id>/pdf")
def amendment_notice_pdf(object_id: int):
    """The issued amendment notice as the PDF that was stored when it was issued."""
    found = get_visible(AmendmentNotice, object_id, current_user)
    retrieve_on_download(found)  # a city's first download retrieves a notice provided to it
    path = funding_storage.notice_pdf_path(found)
    return _file(path, "application/pdf", f"Aenderungsbescheid-{found.file_reference}.pdf")


@bp.post("/funding-notices/<int:object_id>/call-offs")
def create_call_off(object_id: int):
    """Request a call-off of funds (`amount`, optional `note`) against a final notice."""
    found = get_visible(FundingNotice, object_id, current_user)
    body = json_body()
    if current_user.role != "applicant":
        raise NotAllowed("Mittel ruft nur die Kommune ab.")
    errors = {k: "Dieses Feld gibt es nicht." for k in body if k not in ("amount", "note")}
    amount = get_amount(body, "amount", errors, maximum=found.amount)
    if amount is None and "amount" not in errors:
        errors["amount"] = 'Bitte geben Sie einen Betrag an, zum Beispiel "10000.00".'
    elif amount is not None and amount <= 0:
        errors["amount"] = "Der Betrag muss größer als 0 sein."
    note = get_text(body, "note", errors, limit=2000, multiline=True)
    if errors:
        raise invalid(errors)
    call_off = request_call_off(current_user, found, amount, note)
    db.session.commit()
    return _created("call_off", call_off)


@bp.patch("/proofs-of-use/<int:object_id>")
def update_proof(object_id: int):
    """Save the report, the expenditure per project, and (if given) receipts and funds."""
    found = get_visible(ProofOfUse, object_id, current_user)
    body = json_body()
    errors = {
        k: "Dieses Feld gibt es nicht."
        for k in body
        if k not in ("version", "report", "expenditure", "receipts", "funds")
    }
    version = get_int(body, "version", errors)
    report = (
        get_text(body, "report", errors, limit=20000, multiline=True)
        if "report" in body
        else found.report
    )
    spent = _expenditure(found, body, errors)
    receipts, funds = receipts_input(found, body, errors), funds_input(body, errors)
    if errors:
        raise invalid(errors)
    _check_proof_editable(found)
    save_proof(current_user, found, version, report or "", spent)
    replace_declarations(found, receipts, funds)
    db.session.commit()
    found = db.session.get(ProofOfUse, object_id)
    return jsonify(BY_NAME["proof_of_use"].represent(found, current_user, detail=True))


def _expenditure(proof: ProofOfUse, body: dict, errors: dict) -> dict:
    rows = body.get("expenditure", [])
    if not isinstance(rows, list):
        errors["expenditure"] = "Bitte geben Sie die Ausgaben als Liste an."
        return {}
    projects = {p.id for p in proof.notice.application.projects}
    spent = {}
    for number, row in enumerate(rows):
        where = f"expenditure[{number}]"
        if not isinstance(row, dict):
            errors[where] = "Bitte geben Sie jede Zeile als JSON-Objekt an."
            continue
        row_errors: dict[str, str] = {
            k: "Dieses Feld gibt es nicht." for k in row if k not in ("project_id", "spent")
        }
        project_id = get_int(row, "project_id", row_errors)
        if project_id is not None and project_id not in projects:
            row_errors["project_id"] = "Dieses Projekt gehört nicht zu diesem Antrag."
        from ..applications.forms import MAX_AMOUNT

        amount = get_amount(row, "spent", row_errors, maximum=MAX_AMOUNT)
        errors.update({f"{where}.{k}": m for k, m in row_errors.items()})
        if not row_errors:
            spent[project_id] = amount
    return spent


@bp.post("/proofs-of-use/<int:object_id>/attachments")
def upload_proof_attachment(object_id: int):
    """Attach a PDF document (invoice, report) to the proof of use: `file` and `version`."""
    found = get_visible(ProofOfUse, object_id, current_user)
    form, files = multipart_form()
    version = _form_version(form)
    _check_proof_editable(found)
    data, name = _upload(files)
    with _refused_upload():
        attachment = attach_to_proof(current_user, found, version, data, name)
    db.session.commit()
    found = db.session.get(ProofOfUse, object_id)
    location = url_for("api.proof_attachment", object_id=found.id, attachment_id=attachment.id)
    return _created("proof_of_use", found, location)


@bp.get("/proofs-of-use/<int:object_id>/attachments/<int:attachment_id>")
def proof_attachment(object_id: int, attachment_id: int):
    """Download a document of a visible proof of use."""
    found = get_visible(ProofOfUse, object_id, current_user)
    attachment = db.session.get(ProofAttachment, attachment_id) if attachment_id <= MAX_ID else None
    if attachment is None or attachment.proof_id != found.id:
        raise ApiProblem(404, NOT_FOUND)
    path = funding_storage.proof_attachment_path(attachment)
    return _file(path, attachment.content_type, attachment.original_name)


def _check_proof_editable(found: ProofOfUse) -> None:
    if found.can_edit(current_user):
        return
    if current_user.role != "applicant":
        raise NotAllowed("Den Verwendungsnachweis bearbeitet nur die Kommune.")
    raise WrongState(
        f"Der Verwendungsnachweis ist im Status „{serializers.case_fields(found.case)['state_label']}“ "
        "und kann nicht bearbeitet werden."
    )


# --- the description of the API ----------------------------------------------------------


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())


@bp.get("/docs")
def docs():
    """The API documentation for people, rendered from the OpenAPI document."""
    return render_template("api/docs.html", spec=openapi.document())


# --- mentoring gaps (the ministry proposes a mentor by hand) --------------------------------


@bp.get("/mentoring-gaps")
def mentoring_gaps():
    """Cities no suitable mentor was left for, with the mentors and their current load."""
    if current_user.role != "reviewer":
        raise NotAllowed("Offene Mentoring-Lücken sieht nur das Ministerium.")
    page, per_page = pagination()
    loads = [m for m in mentor_loads() if m.active]
    names = {u.id: u.name for u in db.session.scalars(select(User).where(User.role == "mentor"))}
    mentors = [serializers.mentor_load(m, names[m.id]) for m in loads]
    query = (
        select(MentoringGap)
        .where(MentoringGap.resolved_at.is_(None))
        .order_by(MentoringGap.created_at, MentoringGap.id)
    )
    return _page_of(query, page, per_page, lambda gap: serializers.mentoring_gap(gap, mentors))


@bp.post("/mentoring-gaps/<int:object_id>/proposals")
def propose_mentor(object_id: int):
    """Propose a chosen mentor (`mentor_id`) with free capacity for a flagged gap."""
    if current_user.role != "reviewer":
        raise NotAllowed("Mentorinnen und Mentoren schlägt nur das Ministerium vor.")
    gap = db.session.get(MentoringGap, object_id) if object_id <= MAX_ID else None
    if gap is None:
        raise ApiProblem(404, NOT_FOUND)
    body = json_body()
    errors = {k: "Dieses Feld gibt es nicht." for k in body if k != "mentor_id"}
    mentor_id = get_int(body, "mentor_id", errors)
    if errors:
        raise invalid(errors)
    try:
        assignment = propose_for_gap(current_user, gap, mentor_id)
    except MentoringRefused as exc:
        if gap.resolved_at is not None:
            raise ApiProblem(409, exc.message, kind="conflict") from None
        raise invalid({"mentor_id": exc.message}) from None
    db.session.commit()
    return _created("mentoring_assignment", assignment)


from . import revisions  # noqa: E402,F401  (the receipt download on this blueprint)
