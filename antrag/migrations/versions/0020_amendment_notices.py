"""Amendment notices (Änderungsbescheide), the conditions they add, ledger kind `reduction`.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 01:30:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

SERVICE_MODE_CHECK = "service_mode IS NULL OR service_mode IN ('post', 'electronic')"
ACTION_OUTCOME_CHECK = (
    "action_outcome IS NULL OR action_outcome IN ('dismissed', 'withdrawn', 'annulled')"
)
CHANGE_CHECK = (
    "new_amount IS NOT NULL OR new_period_end IS NOT NULL OR additional_condition IS NOT NULL"
)
# The kinds as migrations 0017 (orders) and 0019 (reclaims) left them, plus the reduction.
KINDS_BEFORE = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment', 'decommitment', 'reclaim_due', 'reclaim_received', "
    "'reclaim_cancelled')"
)
KINDS_AFTER = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment', 'decommitment', 'reclaim_due', 'reclaim_received', "
    "'reclaim_cancelled', 'reduction')"
)


def upgrade():
    op.create_table('amendment_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('file_reference', sa.String(length=20), nullable=False),
    sa.Column('new_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('new_period_end', sa.Date(), nullable=True),
    sa.Column('additional_condition', sa.Text(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('previous_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('previous_period_end', sa.Date(), nullable=True),
    sa.Column('applied_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
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
    sa.CheckConstraint(CHANGE_CHECK, name=op.f('ck_amendment_notice_has_change')),
    sa.CheckConstraint('new_amount IS NULL OR new_amount > 0', name=op.f('ck_amendment_notice_new_amount_positive')),
    sa.CheckConstraint(SERVICE_MODE_CHECK, name=op.f('ck_amendment_notice_service_mode_known')),
    sa.CheckConstraint(ACTION_OUTCOME_CHECK, name=op.f('ck_amendment_notice_action_outcome_known')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_amendment_notice_case_id_case')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['user.id'], name=op.f('fk_amendment_notice_drafted_by_id_user')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_amendment_notice_issued_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_amendment_notice_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['notice_id'], ['funding_notice.id'], name=op.f('fk_amendment_notice_notice_id_funding_notice')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_amendment_notice_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_notice')),
    sa.UniqueConstraint('case_id', name=op.f('uq_amendment_notice_case_id')),
    sa.UniqueConstraint('file_reference', name=op.f('uq_amendment_notice_file_reference')),
    sa.UniqueConstraint('pdf_stored_name', name=op.f('uq_amendment_notice_pdf_stored_name'))
    )
    with op.batch_alter_table('amendment_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_notice_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_notice_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_notice_round_id'), ['round_id'], unique=False)

    op.create_table('notice_condition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment_notice.id'], name=op.f('fk_notice_condition_amendment_id_amendment_notice')),
    sa.ForeignKeyConstraint(['notice_id'], ['funding_notice.id'], name=op.f('fk_notice_condition_notice_id_funding_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_condition')),
    sa.UniqueConstraint('amendment_id', name=op.f('uq_notice_condition_amendment_id'))
    )
    with op.batch_alter_table('notice_condition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_condition_notice_id'), ['notice_id'], unique=False)

    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_AFTER)


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM budget_entry WHERE kind = 'reduction'"))
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_BEFORE)
    with op.batch_alter_table('notice_condition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_condition_notice_id'))
    op.drop_table('notice_condition')
    with op.batch_alter_table('amendment_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_notice_round_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_notice_notice_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_notice_municipality_id'))
    op.drop_table('amendment_notice')
