"""`audit verify` proves from the record that four eyes, signing authority and roles were kept.

A right granted with SQL for one decision and taken back afterwards leaves the rows as they
were; the administration record, replayed up to the entry's time, does not know the grant.
"""

from audit_support import in_the_database, verify
from engine_support import fire_committed
from funding_support import act, issued_notice, notice_of

from antrag.audit import compliance
from antrag.db_types import utcnow
from antrag.engine import history
from antrag.engine.models import HistoryEntry
from antrag.engine.workflows import workflows
from antrag.extensions import db


def test_a_decided_and_issued_notice_shows_every_rule_kept(make_application, world, runner):
    issued_notice(make_application, world)

    report = compliance.check()
    result = verify(runner)

    assert report.breaches == []
    assert (report.four_eyes, report.letters) == (1, 1)  # the approval; the notice
    assert report.roles > 0 and report.not_covered == 0
    assert result.exit_code == 0, result.output
    assert "ok: four eyes on 1 decisions, signing authority on 1 letters" in result.output


def test_signing_authority_granted_with_sql_for_one_letter_is_named(
    make_application, world, runner
):
    notice = notice_of(make_application("approved"))
    signer = world.users.reviewer
    in_the_database('UPDATE "user" SET can_sign = :yes WHERE id = :id', yes=True, id=signer.id)
    act(notice, "issue", signer)
    in_the_database('UPDATE "user" SET can_sign = :no WHERE id = :id', no=False, id=signer.id)

    result = verify(runner)

    assert result.exit_code == 1
    assert "ADMIN DATA CHANGED" not in result.output  # the rows are as the record says again
    assert (
        f"RULE NOT KEPT: entry #{notice.case.history[-1].seq} (case {notice.case_id}, "
        f"funding_notice issue, user {signer.id}): signing authority: the administration "
        "record gives the account no signing authority at"
    ) in result.output


def test_a_role_granted_with_sql_for_one_transition_is_named(make_application, world, runner):
    application = make_application("submitted")
    mentor = world.users.mentor
    in_the_database("UPDATE \"user\" SET role = 'reviewer' WHERE id = :id", id=mentor.id)
    fire_committed(application, "start_review", mentor)
    in_the_database("UPDATE \"user\" SET role = 'mentor' WHERE id = :id", id=mentor.id)

    result = verify(runner)

    assert result.exit_code == 1
    assert "ADMIN DATA CHANGED" not in result.output
    assert (
        f"(case {application.case_id}, membership start_review, user {mentor.id}): role: the "
        "entry names role 'reviewer', but the administration record gives the account role "
        "'mentor' at"
    ) in result.output


def test_a_decision_by_the_proposer_is_named(make_application, world):
    application = make_application("proposed_approval")
    case, proposer = application.case, world.users.reviewer
    proposal = case.history[-1]
    definition = workflows().get(case.workflow, case.workflow_version)
    # What a defect that let the proposer approve would have written: a well-chained entry.
    history.append(
        HistoryEntry(
            case_id=case.id,
            workflow=case.workflow,
            workflow_version=case.workflow_version,
            trigger="approve",
            from_state="proposed_approval",
            to_state="approved",
            actor_id=proposer.id,
            actor_name=proposer.display_name,
            actor_role="reviewer",
            inputs=history.canonical_inputs({}),
            created_at=utcnow(),
            definition_fingerprint=definition.fingerprint,
        )
    )
    db.session.commit()

    breaches = compliance.check().breaches

    assert [(b.trigger, b.rule, b.detail) for b in breaches] == [
        ("approve", "four eyes", f"the same person made the proposal (entry #{proposal.seq})")
    ]
