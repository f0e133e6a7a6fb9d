"""Reclaims as a procedure: the reclaim table, the round's reclaim_due, new ledger kinds.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 01:30:20

Ledger entries of the old kind `reclaim` (booked at a proof's acceptance before this
revision) stay as they are: they keep counting in `round.reclaimed`, as money back in the
round's budget, so existing rounds still reconcile. New reclaims are booked `reclaim_due`
when decided and `reclaim_received` when the money arrives.
"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment', 'decommitment')"
)
KINDS_AFTER = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment', 'decommitment', 'reclaim_due', 'reclaim_received', "
    "'reclaim_cancelled')"
)


def upgrade():
    op.create_table('reclaim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('proof_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('file_reference', sa.String(length=20), nullable=False),
    sa.Column('ground', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('facts_known_on', sa.Date(), nullable=False),
    sa.Column('addressee_name', sa.String(length=200), nullable=False),
    sa.Column('addressee_head', sa.String(length=200), nullable=True),
    sa.Column('addressee_address', sa.String(length=400), nullable=True),
    sa.Column('hearing_sent_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('hearing_deadline', sa.Date(), nullable=True),
    sa.Column('hearing_pdf_stored_name', sa.String(length=64), nullable=True),
    sa.Column('hearing_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('answered_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('answer_pdf_stored_name', sa.String(length=64), nullable=True),
    sa.Column('answer_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('answer_pdf_name', sa.String(length=255), nullable=True),
    sa.Column('hearing_outcome', sa.Text(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=True),
    sa.Column('interest_from', sa.Date(), nullable=True),
    sa.Column('decided_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('payment_due_on', sa.Date(), nullable=True),
    sa.Column('issued_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf_stored_name', sa.String(length=64), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('appeal_waived_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('final_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('received_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('interest_received', sa.Numeric(precision=12, scale=2), nullable=True),
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
    sa.CheckConstraint("action_outcome IS NULL OR action_outcome IN ('dismissed', 'withdrawn', 'annulled')", name=op.f('ck_reclaim_action_outcome_known')),
    sa.CheckConstraint("ground IN ('overpaid', 'purpose_not_met')", name=op.f('ck_reclaim_ground_known')),
    sa.CheckConstraint("service_mode IS NULL OR service_mode IN ('post', 'electronic')", name=op.f('ck_reclaim_service_mode_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_reclaim_amount_positive')),
    sa.CheckConstraint('interest_received IS NULL OR interest_received >= 0', name=op.f('ck_reclaim_interest_positive')),
    sa.CheckConstraint('received_amount IS NULL OR received_amount = amount + interest_received', name=op.f('ck_reclaim_received_in_full')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_reclaim_case_id_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_reclaim_issued_by_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_reclaim_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['notice_id'], ['funding_notice.id'], name=op.f('fk_reclaim_notice_id_funding_notice')),
    sa.ForeignKeyConstraint(['proof_id'], ['proof_of_use.id'], name=op.f('fk_reclaim_proof_id_proof_of_use')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_reclaim_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reclaim')),
    sa.UniqueConstraint('answer_pdf_stored_name', name=op.f('uq_reclaim_answer_pdf_stored_name')),
    sa.UniqueConstraint('case_id', name=op.f('uq_reclaim_case_id')),
    sa.UniqueConstraint('file_reference', name=op.f('uq_reclaim_file_reference')),
    sa.UniqueConstraint('hearing_pdf_stored_name', name=op.f('uq_reclaim_hearing_pdf_stored_name')),
    sa.UniqueConstraint('pdf_stored_name', name=op.f('uq_reclaim_pdf_stored_name')),
    sa.UniqueConstraint('proof_id', name=op.f('uq_reclaim_proof_id'))
    )
    with op.batch_alter_table('reclaim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reclaim_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reclaim_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reclaim_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reclaim_due', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))
        batch_op.create_check_constraint('reclaim_due_positive', 'reclaim_due >= 0')
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_AFTER)


def downgrade():
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_BEFORE)
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_reclaim_due_positive'), type_='check')
        batch_op.drop_column('reclaim_due')

    with op.batch_alter_table('reclaim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reclaim_round_id'))
        batch_op.drop_index(batch_op.f('ix_reclaim_notice_id'))
        batch_op.drop_index(batch_op.f('ix_reclaim_municipality_id'))

    op.drop_table('reclaim')
