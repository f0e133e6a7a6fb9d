"""Revisions: each submission frozen (numbered, chained, immutable), diffed field by field."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from engine_support import fire_committed
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from antrag.applications.models import Application, Project
from antrag.applications.revision_diff import diff
from antrag.applications.revisions import GENESIS, ApplicationRevision, revisions_of
from antrag.audit import subjects
from antrag.audit.snapshot import canonical, sha256
from antrag.clock import frozen_at
from antrag.engine.models import HistoryEntry
from antrag.extensions import db
from antrag.mail.models import OutboxMessage

SUBMITTED = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)
RESUBMITTED = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


@pytest.fixture
def submitted(world, make_application):
    """An application submitted at a frozen moment (revision 1)."""
    application = make_application("draft")
    with frozen_at(SUBMITTED):
        fire_committed(application, "submit", world.users.speyer)
    return application


@pytest.fixture
def resubmitted(world, submitted):
    """The same application, changed after a change request and resubmitted (revision 2)."""
    fire_committed(submitted, "start_review", world.users.reviewer)
    fire_committed(submitted, "request_changes", world.users.reviewer, "Bitte zwei Projekte.")
    found = db.session.get(Application, submitted.id)
    found.contact_phone = "06232 14-99"
    found.requested_amount = Decimal("50000.00")
    found.own_contribution = Decimal("17500.00")
    found.projects[0].title = "Digitales Bürgerbüro 2.0"
    found.projects[0].estimated_cost = Decimal("37500.00")
    found.projects.append(
        Project(
            position=1,
            title="Offene Daten",
            description="Datenportal der Stadt.",
            field_of_action="beteiligung",
            period_start=found.projects[0].period_start,
            period_end=found.projects[0].period_end,
            estimated_cost=Decimal("30000.00"),
        )
    )
    db.session.commit()
    with frozen_at(RESUBMITTED):
        fire_committed(submitted, "resubmit", world.users.speyer)
    return submitted


def test_submit_freezes_the_application_as_revision_one(submitted):
    [revision] = revisions_of(submitted.id)
    content = revision.content()

    assert revision.number == 1 and revision.trigger == "submit"
    assert revision.received_at == SUBMITTED
    assert revision.file_reference == f"DS-2026-A{submitted.id:04d}"
    assert content["received_at"] == "2026-12-01T09:30:15.000000+00:00"
    assert content["previous_hash"] == GENESIS
    frozen = content["application"]
    assert frozen["requested_amount"] == "60750.00" and frozen["contact_name"] == "Maria Beispiel"
    assert frozen["projects"][0]["title"] == "Digitales Bürgerbüro"
    assert frozen["attachments"][0]["sha256"] == submitted.attachments[0].sha256
    assert revision.content_hash == sha256(revision.content_json)
    assert revision.content_json == canonical(content) and revision.verifies()


def test_the_submit_entry_covers_the_revision_hash(submitted):
    [revision] = revisions_of(submitted.id)
    entry = db.session.scalars(
        select(HistoryEntry).filter_by(case_id=submitted.case_id, trigger="submit")
    ).one()

    recorded = json.loads(entry.subject_snapshot)["revision"]

    assert recorded == {"number": 1, "content_hash": revision.content_hash}
    assert subjects.check().mismatches == []


def test_resubmit_adds_revision_two_chained_to_the_first(resubmitted):
    first, second = revisions_of(resubmitted.id)

    assert (second.number, second.trigger, second.received_at) == (2, "resubmit", RESUBMITTED)
    assert second.content()["previous_hash"] == first.content_hash
    assert second.file_reference == first.file_reference
    # what the city first sent is kept as it was
    assert first.content()["application"]["requested_amount"] == "60750.00"
    assert second.content()["application"]["requested_amount"] == "50000.00"


def test_the_diff_names_every_changed_field_old_and_new(resubmitted):
    changes = diff(*revisions_of(resubmitted.id))

    fields = {c.key: (c.old, c.new) for c in changes.fields}
    assert fields == {
        "contact_phone": ("06232 14-0", "06232 14-99"),
        "requested_amount": ("60750.00", "50000.00"),
        "own_contribution": ("6750.00", "17500.00"),
    }
    assert {c.key: (c.old, c.new) for c in changes.plan} == {
        "own_contribution": ("6750.00", "17500.00"),
        "grant": ("60750.00", "50000.00"),
    }
    changed, added = changes.projects
    assert (changed.kind, changed.title) == ("changed", "Digitales Bürgerbüro 2.0")
    assert {c.key: (c.old, c.new) for c in changed.changes} == {
        "title": ("Digitales Bürgerbüro", "Digitales Bürgerbüro 2.0"),
        "estimated_cost": ("67500.00", "37500.00"),
    }
    assert (added.kind, added.title) == ("added", "Offene Daten")
    assert changes.attachments_added == changes.attachments_removed == []


def test_a_removed_project_and_a_new_attachment_show(world, submitted):
    from antrag.applications.storage import minimal_pdf, store_pdf

    fire_committed(submitted, "start_review", world.users.reviewer)
    fire_committed(submitted, "request_changes", world.users.reviewer, "Neuer Beschluss.")
    found = db.session.get(Application, submitted.id)
    old = found.projects[0]
    found.projects.remove(old)
    found.projects.append(
        Project(
            position=1,
            title="Smarte Straßenbeleuchtung",
            description="Sensorgesteuerte Leuchten.",
            field_of_action="energie_umwelt",
            period_start=old.period_start,
            period_end=old.period_end,
            estimated_cost=old.estimated_cost,
        )
    )
    store_pdf(found, minimal_pdf(), "Ratsbeschluss-neu.pdf", world.users.speyer)
    db.session.commit()
    fire_committed(submitted, "resubmit", world.users.speyer)

    changes = diff(*revisions_of(submitted.id))

    assert [(p.kind, p.title) for p in changes.projects] == [
        ("added", "Smarte Straßenbeleuchtung"),
        ("removed", "Digitales Bürgerbüro"),
    ]
    assert [a["name"] for a in changes.attachments_added] == ["Ratsbeschluss-neu.pdf"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE application_revision SET content_hash = 'x' WHERE id = :id",
        "UPDATE application_revision SET number = 7 WHERE id = :id",
        "DELETE FROM application_revision WHERE id = :id",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_revision(submitted, statement):
    [revision] = revisions_of(submitted.id)

    with pytest.raises(DatabaseError, match="application_revision is immutable"):
        db.session.execute(text(statement), {"id": revision.id})
        db.session.flush()
    db.session.rollback()

    assert db.session.get(ApplicationRevision, revision.id).verifies()


def test_the_receipt_mail_links_the_pdf_with_number_and_hash(submitted):
    [revision] = revisions_of(submitted.id)
    [mail] = db.session.scalars(
        select(OutboxMessage).filter_by(template="application_receipt")
    ).all()

    assert mail.recipient == "digital@speyer.de"
    assert revision.file_reference in mail.subject
    assert "am 01.12.2026, 10:30 Uhr" in mail.body
    assert "Fassung: 1" in mail.body and revision.content_hash in mail.body
    assert f"/antraege/{submitted.id}/fassungen/1/eingangsbestaetigung.pdf" in mail.body


def test_a_resubmission_gets_its_own_receipt_mail(resubmitted):
    mails = db.session.scalars(
        select(OutboxMessage).filter_by(template="application_receipt").order_by(OutboxMessage.id)
    ).all()

    assert len(mails) == 2
    assert "überarbeitete Fassung" in mails[1].body and "Fassung: 2" in mails[1].body


def _without_immutability(statement: str, params: dict) -> None:
    """Run `statement` as someone who switched the database's protection off (tampering)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("ALTER TABLE application_revision DISABLE TRIGGER application_revision_no_change")
        )
    else:
        db.session.execute(text("DROP TRIGGER application_revision_no_update"))
        db.session.execute(text("DROP TRIGGER application_revision_no_delete"))
    db.session.execute(text(statement), params)
    db.session.commit()


def test_audit_verify_names_a_changed_and_a_missing_revision(runner, resubmitted):
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    first, second = revisions_of(resubmitted.id)
    forged = first.content_json.replace("60750.00", "99999.00")

    _without_immutability(
        "UPDATE application_revision SET content_json = :forged WHERE id = :id",
        {"forged": forged, "id": first.id},
    )
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"REVISION application {resubmitted.id}, revision 1: content does not match" in (
        result.output
    )


def test_audit_verify_notices_a_deleted_revision(runner, resubmitted):
    first, _second = revisions_of(resubmitted.id)

    _without_immutability("DELETE FROM application_revision WHERE id = :id", {"id": first.id})
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"application {resubmitted.id}, revision 2: expected revision 1" in result.output
    assert f"application {resubmitted.id}, revision 2: does not chain" in result.output


def test_audit_verify_notices_the_newest_revision_gone(runner, resubmitted):
    _first, second = revisions_of(resubmitted.id)

    _without_immutability("DELETE FROM application_revision WHERE id = :id", {"id": second.id})
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"application {resubmitted.id}: latest revision 2 is not the newest stored (1)" in (
        result.output
    )
