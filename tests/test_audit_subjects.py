"""`audit verify` re-computes each case's decisive data and checks the stored documents."""

import json

import pytest
from audit_support import verify
from engine_support import fire
from funding_support import issued_notice
from sql_support import counted_statements
from sqlalchemy import select, text

from antrag.audit import snapshot
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.files import upload_folder
from antrag.funding.models import FundingNotice
from antrag.funding.storage import notice_pdf_path


def latest_entry(subject) -> HistoryEntry:
    return db.session.scalars(
        select(HistoryEntry)
        .filter_by(case_id=subject.case_id)
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    ).one()


def test_demo_data_verifies(app, runner):
    app.config["LOAD_DEMO_DATA"] = True
    assert runner.invoke(args=["demo", "load"]).exit_code == 0

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "cases match the snapshot of their latest entry" in result.output
    assert "stored documents match their SHA-256" in result.output


def test_every_entry_carries_the_snapshot_after_its_transition(make_application, world):
    notice = issued_notice(make_application, world)
    entry = latest_entry(notice)

    assert entry.trigger == "issue"
    assert json.loads(entry.subject_snapshot) == notice.decisive_data()
    assert json.loads(entry.subject_snapshot)["pdf_sha256"] == notice.pdf_sha256
    assert entry.subject_hash == snapshot.sha256(entry.subject_snapshot)


def test_notice_amount_changed_in_the_database_is_named(make_application, world, runner):
    notice = issued_notice(make_application, world)
    db.session.execute(
        text("UPDATE funding_notice SET amount = 99999.00 WHERE id = :id"), {"id": notice.id}
    )
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"case {notice.case_id} (funding_notice {notice.file_reference}): "
        'amount: "60750.00" → "99999.00"'
    ) in result.output


def test_submitted_application_changed_in_the_database_is_named(make_application, runner):
    application = make_application("in_review")
    project = application.projects[0]
    db.session.execute(
        text("UPDATE project SET estimated_cost = 1.00 WHERE id = :id"), {"id": project.id}
    )
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert f"case {application.case_id} (membership)" in result.output
    assert "projects[0].estimated_cost" in result.output
    assert "financing_plan.total_cost" in result.output


def test_state_changed_in_the_database_is_named(make_application, runner):
    application = make_application("in_review")
    db.session.execute(
        text("UPDATE \"case\" SET state = 'approved' WHERE id = :id"), {"id": application.case_id}
    )
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert 'state: "in_review" → "approved"' in result.output


def test_draft_edited_by_the_city_is_no_finding(make_application, runner):
    application = make_application("draft")
    application.requested_amount = application.requested_amount - 1
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "edited (not compared)" in result.output


def test_subject_without_decisive_data_is_named_as_not_covered(
    make_application, runner, monkeypatch
):
    make_application("approved")
    monkeypatch.delattr(FundingNotice, "decisive_data")  # as a subject added without one

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "not covered: 1 cases of workflow funding_notice" in result.output


@pytest.mark.parametrize(("change", "finding"), [("rewrite", "changed"), ("delete", "missing")])
def test_notice_pdf_changed_or_missing_is_named(make_application, world, runner, change, finding):
    notice = issued_notice(make_application, world)
    path = notice_pdf_path(notice)
    if change == "rewrite":
        path.write_bytes(path.read_bytes() + b"%")
    else:
        path.unlink()

    result = verify(runner)

    assert result.exit_code == 1
    assert f"funding_notice {notice.id} ({notice.file_reference}): {finding} file" in result.output


def test_uploaded_attachment_changed_is_named(make_application, runner):
    application = make_application("submitted")
    attachment = application.attachments[0]
    (upload_folder() / attachment.stored_name).write_bytes(b"%PDF-1.4 forged")

    result = verify(runner)

    assert result.exit_code == 1
    assert f"attachment {attachment.id} (application {application.id}): changed file" in (
        result.output
    )


def test_snapshot_costs_only_the_subjects_collections(make_application, world):
    application = make_application("submitted")
    db.session.expire_all()
    application = db.session.get(type(application), application.id)
    version = application.case.version

    with counted_statements() as statements:
        fire(
            application, "start_review", world.users.reviewer2, version=version, subject=application
        )

    selects = [" ".join(s.split()) for s in statements if s.lstrip().startswith("SELECT")]
    tables = [s.split()[1].split(".")[0].strip('"') for s in selects]
    assert tables[:3] == [
        "user",  # the actor, expired above
        "project",  # the snapshot: the application's projects …
        "attachment",  # … and documents
    ]
    assert len(tables) == 3
    # The entry's number comes with the compare-and-set UPDATE of the case (RETURNING):
    # max + 1 on SQLite; on PostgreSQL the sequence with the shared lock that keeps a
    # checkpoint from sealing below it.
    (moved,) = [" ".join(s.split()) for s in statements if s.lstrip().startswith("UPDATE")]
    assert moved.startswith('UPDATE "case"')
    assert "RETURNING" in moved
    assert "max(history_entry.seq)" in moved or "pg_advisory_xact_lock_shared(" in moved
    assert not [s for s in statements if "admin_record" in s]
