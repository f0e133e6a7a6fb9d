"""Which city a case concerns, for any workflow: its subject's municipality.

Each subject model either has a `municipality_id` or belongs to a funding notice
(`notice_id`: call-offs, the proof of use). One outer join per subject table (each on its
unique `case_id`) and a COALESCE give the city of any case in one statement, so that the
inbox can filter and show it without a query per row.
"""

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import aliased

from ..engine.models import Case
from ..engine.registry import SUBJECTS


def subject_models() -> list[type]:
    """Return the registered subject classes that belong to a city, in a stable order."""
    from ..funding.models import FundingNotice

    models = []
    for name in sorted(SUBJECTS):
        model = SUBJECTS[name]
        if hasattr(model, "municipality_id") or (
            hasattr(model, "notice_id") and model is not FundingNotice
        ):
            models.append(model)
    return models


_JOINED: dict[tuple, tuple] = {}


def join_cities():
    """Return (SELECT of cases outer-joined to every subject table, the SQL value of the city).

    Built once per set of subject models: the aliases cost more to build than the query
    costs to run.
    """
    models = tuple(subject_models())
    if models not in _JOINED:
        _JOINED[models] = _join_cities(select(Case), models)
    return _JOINED[models]


def _join_cities(stmt, models):
    from ..funding.models import FundingNotice

    values = []
    for model in models:
        subject = aliased(model)
        stmt = stmt.outerjoin(subject, subject.case_id == Case.id)
        if hasattr(model, "municipality_id"):
            values.append(subject.municipality_id)
        else:
            notice = aliased(FundingNotice)
            stmt = stmt.outerjoin(notice, notice.id == subject.notice_id)
            values.append(notice.municipality_id)
    return stmt, func.coalesce(*values)


def city_case_ids(ids):
    """Return the SELECT of the ids of every case whose subject belongs to the cities `ids`.

    `ids` is a collection or an expanding bound parameter. One indexed lookup per subject
    table, so that filtering the inbox by city never joins every subject to every case.
    """
    from ..funding.models import FundingNotice

    selects = []
    for model in subject_models():
        if hasattr(model, "municipality_id"):
            selects.append(select(model.case_id).where(model.municipality_id.in_(ids)))
        else:
            selects.append(
                select(model.case_id)
                .join(FundingNotice, FundingNotice.id == model.notice_id)
                .where(FundingNotice.municipality_id.in_(ids))
            )
    return union_all(*selects)
