"""`audit verify` finds a definition changed together with its published record."""

from audit_support import verify
from sqlalchemy import select, text

from antrag.engine.models import HistoryEntry
from antrag.extensions import db


def membership_entries() -> tuple[int, int, int, str]:
    """Return (version, first seq, last seq, fingerprint) of the membership entries."""
    entries = db.session.scalars(
        select(HistoryEntry).filter_by(workflow="membership").order_by(HistoryEntry.seq)
    ).all()
    assert len({e.definition_fingerprint for e in entries}) == 1
    first, last = entries[0], entries[-1]
    return first.workflow_version, first.seq, last.seq, first.definition_fingerprint


def test_entries_ran_under_the_published_versions(make_application, runner):
    make_application("in_review")

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert "history entries ran under the published version of their workflow" in result.output


def test_a_rewritten_fingerprint_record_is_named(make_application, runner):
    make_application("in_review")
    version, first, last, fingerprint = membership_entries()
    db.session.execute(
        text("UPDATE workflow_fingerprint SET fingerprint = :f WHERE workflow = 'membership'"),
        {"f": "f" * 64},
    )
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"RULES CHANGED: 3 history entries of membership v{version} (#{first}–#{last}) ran under "
        f"definition {fingerprint[:12]}…, but its published record now says ffffffffffff…"
    ) in result.output


def test_a_deleted_fingerprint_record_is_named(make_application, runner):
    make_application("in_review")
    version, *_ = membership_entries()
    db.session.execute(text("DELETE FROM workflow_fingerprint WHERE workflow = 'membership'"))
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert f"of membership v{version} (" in result.output
    assert "but the version has no published record (workflow_fingerprint)" in result.output
