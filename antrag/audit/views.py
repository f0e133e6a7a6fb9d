"""The administration record for admins: a paginated page with the chain's status, and exports."""

import csv
import io

from flask import Response, abort, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..admin.blueprint import PAGE_SIZE, bp
from ..auth import role_required
from ..extensions import db
from ..reporting.exports import neutralise
from . import admin_data, record
from .models import AdminRecord

OBJECT_TYPE_LABELS = {
    "round": _l("Antragsrunde"),
    "programme": _l("Förderprogramm"),
    "user": _l("Konto"),
    "municipality": _l("Kommune"),
    "second_factor_reset": _l("Zweiter Faktor zurückgesetzt"),
}
FIELDS = ("seq", "created_at", "actor_id", "actor_name", "object_type", "object_id")
FIELDS += ("object_label", "field", "old", "new", "prev_hash", "hash")
METHOD = (
    "hash = SHA-256 over the canonical JSON (sorted keys, separators ',' and ':', UTF-8, "
    "non-ASCII kept) of {seq, created_at, actor_id, actor_name, object_type, object_id, "
    "object_label, field, old, new, prev}, where prev is prev_hash (64 zeros for the first)."
)


def _object_type() -> str | None:
    """Return the filter from the query string; an unknown type is a 404, not a 500."""
    wanted = request.args.get("art") or None
    if wanted is not None and wanted not in OBJECT_TYPE_LABELS:
        abort(404)
    return wanted


def _query(object_type: str | None):
    query = select(AdminRecord)
    if object_type:
        query = query.where(AdminRecord.object_type == object_type)
    return query


def exported(row: AdminRecord) -> dict:
    """Return one record with every field its hash covers, its previous hash and its hash."""
    return record.hashed_content(row) | {"prev_hash": row.prev_hash, "hash": row.hash}


@bp.route("/protokoll")
@role_required("admin")
def admin_record():
    """Show the administration record, newest first, with the verification of its chain."""
    object_type = _object_type()
    page = db.paginate(
        _query(object_type).order_by(AdminRecord.seq.desc()), per_page=PAGE_SIZE, error_out=False
    )
    checked, broken = record.verify()
    return render_template(
        "admin/record.html",
        page=page,
        object_type=object_type,
        labels=OBJECT_TYPE_LABELS,
        checked=checked,
        broken=broken,
        data=admin_data.check(),
        baseline=admin_data.BASELINE,
    )


@bp.route("/protokoll.json")
@role_required("admin")
def admin_record_json():
    """Export the whole record (or one object type's records) with its hash fields as JSON."""
    object_type = _object_type()
    rows = db.session.scalars(_query(object_type).order_by(AdminRecord.seq))
    checked, broken = record.verify()
    response = jsonify(
        hash_method=METHOD,
        complete=object_type is None,
        chain={"records_checked": checked, "verified": broken is None},
        records=[exported(row) for row in rows],
    )
    response.headers["Content-Disposition"] = "attachment; filename=verwaltungsprotokoll.json"
    return response


@bp.route("/protokoll.csv")
@role_required("admin")
def admin_record_csv():
    """Export the record as CSV (UTF-8 with BOM, semicolons) to read; empty cells stand for null.

    Cells a spreadsheet would take for a formula are neutralised as in every export, so the
    JSON export, not this one, is the one to recompute hashes from.
    """
    object_type = _object_type()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in db.session.scalars(_query(object_type).order_by(AdminRecord.seq)):
        values = exported(row)
        writer.writerow(["" if values[f] is None else neutralise(str(values[f])) for f in FIELDS])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=verwaltungsprotokoll.csv"},
    )
