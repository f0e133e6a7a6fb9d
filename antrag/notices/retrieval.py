"""The city's retrieval of a notice provided electronically: its first download by a city account."""

from flask_login import current_user

from .. import engine
from ..extensions import db


def retrieve_on_download(notice) -> None:
    """Record the retrieval through the engine when a city account first downloads the notice.

    § 41 (2a) VwVfG: the notice is made known the day after it was retrieved; only the
    city's own download counts, not the ministry's.
    """
    if getattr(current_user, "role", None) != "applicant" or notice.case.state != "provided":
        return
    engine.fire(
        notice.case_id, "retrieve", current_user, version=notice.case.version, subject=notice
    )
    db.session.commit()
