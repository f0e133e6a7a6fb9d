"""What `flask network purge` deletes besides sessions and mail: registrations, orphaned files.

Meeting registrations (with accessibility needs, possibly health data) go a configured number
of days after the meeting, their counts stay; files of rolled-back transactions never stay.
"""

import os
from datetime import UTC, datetime, timedelta

from funding_support import notice_of
from meetings_support import make_meeting_fixture, sign_up  # noqa: F401 - fixture
from sqlalchemy import select

from antrag import engine
from antrag.applications.storage import minimal_pdf, path_of, store_pdf
from antrag.clock import frozen_at
from antrag.extensions import db
from antrag.files import StoredFile, upload_folder
from antrag.funding.storage import notice_pdf_path
from antrag.mail.models import OutboxMessage
from antrag.meetings.models import MeetingRegistration
from antrag.meetings.operations import cancel
from antrag.network.retention import purge

PLANNED = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # the meeting is 14 days later
NEEDS = "Rollstuhlgerechter Zugang, Gebärdendolmetschung"


def _registered(make_meeting, world):
    """A meeting for three persons: two confirmed, one cancelled, one waiting, one keen."""
    meeting = make_meeting(capacity=3)
    sign_up(meeting, world.speyer, "a@speyer.de", persons=2)
    registration, _ = sign_up(meeting, world.andernach, "b@andernach.de")
    cancel(registration, world.users.reviewer)
    sign_up(meeting, world.andernach, "c@andernach.de", interested=True)
    sign_up(meeting, world.pirmasens, "d@pirmasens.de", persons=2)
    db.session.query(MeetingRegistration).filter_by(email="d@pirmasens.de").update(
        {"accessibility": NEEDS}
    )
    db.session.commit()
    return meeting


def _shown(web, meeting) -> tuple[str, bytes]:
    """Return the ministry's meeting list and the meetings export as the reviewer sees them."""
    page = web.get("/netzwerktreffen/verwaltung/").get_data(as_text=True)
    export = web.get("/auswertung/export/netzwerktreffen.csv").get_data()
    return page[page.index(meeting.title) :], export


def test_registrations_go_after_the_retention_period_and_the_counts_stay(
    app, make_web, make_meeting, world
):
    with frozen_at(PLANNED):
        meeting = _registered(make_meeting, world)
    days = app.config["MEETING_RETENTION_DAYS"]
    with frozen_at(meeting.ends_at + timedelta(days=days, hours=-1)) as now:
        assert purge(now)["registrations"] == 0
        db.session.commit()
        web = make_web(world.users.reviewer)
        before = _shown(web, meeting)
        assert ";4;3;2;1;2;1;" in before[1].decode("utf-8-sig")  # counted from the rows
    assert len(db.session.scalars(select(MeetingRegistration)).all()) == 4

    with frozen_at(meeting.ends_at + timedelta(days=days, hours=1)) as now:
        assert purge(now)["registrations"] == 4
        db.session.commit()
        assert purge(now)["registrations"] == 0  # idempotent
        db.session.commit()
        web = make_web(world.users.reviewer)
        assert _shown(web, meeting)[0] == before[0]
        assert _shown(web, meeting)[1].split(b"\r\n")[1].startswith(before[1].split(b"\r\n")[1])
        registrations = web.get(f"/netzwerktreffen/verwaltung/{meeting.id}")
        text = registrations.get_data(as_text=True)
    assert "bestätigt: 3 Personen · Warteliste: 2 Personen" in text
    assert "wurden am" in text and "a@speyer.de" not in text
    assert db.session.scalars(select(MeetingRegistration)).all() == []
    recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert not [r for r in recipients if r.endswith(("speyer.de", "andernach.de", "pirmasens.de"))]
    assert NEEDS not in repr(db.session.execute(select(MeetingRegistration.accessibility)).all())


def test_a_recent_meeting_keeps_its_registrations(app, make_meeting, world):
    with frozen_at(PLANNED):
        meeting = make_meeting()
        sign_up(meeting, world.speyer, "a@speyer.de")
    assert purge(meeting.ends_at + timedelta(days=1))["registrations"] == 0
    db.session.commit()
    assert len(db.session.scalars(select(MeetingRegistration)).all()) == 1


def test_the_privacy_notice_names_the_period(app, web):
    app.config["MEETING_RETENTION_DAYS"] = 45
    page = web.get("/datenschutz").get_data(as_text=True)
    assert "werden 45 Tage nach dem Ende des Treffens gelöscht" in page


def _files() -> set[str]:
    return {p.name for p in upload_folder().iterdir()}


def test_a_rolled_back_upload_leaves_no_file(make_application, world):
    application = make_application("draft")
    kept = _files()
    assert kept == {application.council_resolution.stored_name}
    attachment = store_pdf(application, minimal_pdf("Neu"), "neu.pdf", world.users.speyer)
    assert path_of(attachment).is_file()
    db.session.rollback()
    assert _files() == kept


def test_a_rolled_back_notice_leaves_no_pdf(make_application, world):
    notice = notice_of(make_application("approved"))
    world.users.reviewer.can_sign = True
    db.session.commit()
    kept = _files()
    engine.fire(notice.case_id, "issue", world.users.reviewer, version=notice.case.version)
    written = notice_pdf_path(notice)
    assert written.is_file()
    db.session.rollback()  # e.g. the commit failed: the notice was never issued
    assert not written.exists() and _files() == kept
    db.session.expire_all()
    assert notice.pdf_stored_name is None


def test_a_committed_upload_is_kept_and_recorded(make_application, world):
    application = make_application("draft")
    name = application.council_resolution.stored_name
    assert db.session.get(StoredFile, name).sha256 == application.council_resolution.sha256


def test_purge_removes_old_orphans_only(make_application, world):
    recorded = make_application("draft").council_resolution.stored_name
    folder = upload_folder()
    orphan, young, foreign = "ab" * 16 + ".pdf", "cd" * 16 + ".pdf", "notizen.txt"
    for name in (orphan, young, foreign):
        (folder / name).write_bytes(b"%PDF-1.4 verwaist")
    now = datetime.now(UTC)
    two_days_ago = (now - timedelta(days=2)).timestamp()
    for name in (orphan, foreign, recorded):
        os.utime(folder / name, (two_days_ago, two_days_ago))
    assert purge(now)["orphaned_files"] == 1
    db.session.commit()
    assert _files() == {recorded, young, foreign}
