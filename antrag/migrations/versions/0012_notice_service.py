"""Service of notices (Bekanntgabe), filed actions, rejection notices, consent to e-service.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:30:00

Notices issued before this revision were taken as posted on the day of issue (as the
due date of their action period already assumed); their service record says so.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa

import antrag.db_types
from antrag.engine.calendar import BERLIN
from antrag.law.periods import action_period_end, made_known_by_post


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SERVICE_MODE_CHECK = "service_mode IS NULL OR service_mode IN ('post', 'electronic')"
ACTION_OUTCOME_CHECK = (
    "action_outcome IS NULL OR action_outcome IN ('dismissed', 'withdrawn', 'annulled')"
)
KINDS_BEFORE = "kind IN ('reservation', 'release', 'commitment', 'payment', 'reclaim')"
KINDS_AFTER = (
    "kind IN ('reservation', 'release', 'commitment', 'payment', 'reclaim', 'annulment')"
)


def _service_columns():
    return [
        sa.Column('service_mode', sa.String(length=12), nullable=True),
        sa.Column('posted_on', sa.Date(), nullable=True),
        sa.Column('provided_at', antrag.db_types.UTCDateTime(), nullable=True),
        sa.Column('retrieved_at', antrag.db_types.UTCDateTime(), nullable=True),
        sa.Column('made_known_on', sa.Date(), nullable=True),
        sa.Column('action_period_ends_on', sa.Date(), nullable=True),
        sa.Column('action_filed_on', sa.Date(), nullable=True),
        sa.Column('action_court_file_number', sa.String(length=60), nullable=True),
        sa.Column('action_outcome', sa.String(length=12), nullable=True),
        sa.Column('action_decided_on', sa.Date(), nullable=True),
    ]


def upgrade():
    with op.batch_alter_table('funding_notice', schema=None) as batch_op:
        for column in _service_columns():
            batch_op.add_column(column)
        batch_op.create_check_constraint('service_mode_known', SERVICE_MODE_CHECK)
        batch_op.create_check_constraint('action_outcome_known', ACTION_OUTCOME_CHECK)
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_AFTER)

    op.create_table('rejection_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('file_reference', sa.String(length=20), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('addressee_name', sa.String(length=200), nullable=False),
    sa.Column('addressee_head', sa.String(length=200), nullable=True),
    sa.Column('addressee_address', sa.String(length=400), nullable=True),
    sa.Column('issued_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf_stored_name', sa.String(length=64), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('appeal_waived_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('final_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    *_service_columns(),
    sa.CheckConstraint(SERVICE_MODE_CHECK, name=op.f('ck_rejection_notice_service_mode_known')),
    sa.CheckConstraint(ACTION_OUTCOME_CHECK, name=op.f('ck_rejection_notice_action_outcome_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_rejection_notice_application_id_application')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_rejection_notice_case_id_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_rejection_notice_issued_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_rejection_notice_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rejection_notice_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejection_notice')),
    sa.UniqueConstraint('application_id', name=op.f('uq_rejection_notice_application_id')),
    sa.UniqueConstraint('case_id', name=op.f('uq_rejection_notice_case_id')),
    sa.UniqueConstraint('file_reference', name=op.f('uq_rejection_notice_file_reference')),
    sa.UniqueConstraint('pdf_stored_name', name=op.f('uq_rejection_notice_pdf_stored_name'))
    )
    with op.batch_alter_table('rejection_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejection_notice_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rejection_notice_round_id'), ['round_id'], unique=False)

    op.create_table('service_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('declared_as', sa.String(length=200), nullable=True),
    sa.Column('revoked_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['declared_by_id'], ['user.id'], name=op.f('fk_service_consent_declared_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_service_consent_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_service_consent_revoked_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_consent'))
    )
    with op.batch_alter_table('service_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_consent_municipality_id'), ['municipality_id'], unique=False)

    _record_past_posting()


def _record_past_posting():
    """Issued notices count as posted on their day of issue (what their due date assumed)."""
    notice = sa.table(
        'funding_notice',
        sa.column('id', sa.Integer()),
        sa.column('issued_at', antrag.db_types.UTCDateTime()),
        sa.column('service_mode', sa.String()),
        sa.column('posted_on', sa.Date()),
        sa.column('made_known_on', sa.Date()),
        sa.column('action_period_ends_on', sa.Date()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(notice.c.id, notice.c.issued_at).where(notice.c.issued_at.is_not(None))
    ).all()
    for notice_id, issued_at in rows:
        posted: date = issued_at.astimezone(BERLIN).date()
        made_known = made_known_by_post(posted)
        bind.execute(
            notice.update()
            .where(notice.c.id == notice_id)
            .values(
                service_mode='post',
                posted_on=posted,
                made_known_on=made_known,
                action_period_ends_on=action_period_end(made_known),
            )
        )


def downgrade():
    with op.batch_alter_table('service_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_consent_municipality_id'))
    op.drop_table('service_consent')
    with op.batch_alter_table('rejection_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejection_notice_round_id'))
        batch_op.drop_index(batch_op.f('ix_rejection_notice_municipality_id'))
    op.drop_table('rejection_notice')
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM budget_entry WHERE kind = 'annulment'"))
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_BEFORE)
    with op.batch_alter_table('funding_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_funding_notice_action_outcome_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_funding_notice_service_mode_known'), type_='check')
        for column in reversed(_service_columns()):
            batch_op.drop_column(column.name)
