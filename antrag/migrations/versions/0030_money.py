"""Reclaim receipts in instalments: the receipt table and the principal received so far.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 05:40:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reclaim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal_received', sa.Numeric(precision=12, scale=2), nullable=False, server_default='0'))
        batch_op.create_check_constraint('principal_received_within_amount', 'principal_received >= 0 AND principal_received <= amount')
    # A reclaim closed under version 1 received its whole amount in one payment.
    op.execute(
        "UPDATE reclaim SET principal_received = amount WHERE received_amount IS NOT NULL"
    )
    with op.batch_alter_table('reclaim', schema=None) as batch_op:
        batch_op.alter_column('principal_received', server_default=None)
    op.create_table('reclaim_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reclaim_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=140), nullable=True),
    sa.Column('to_interest', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('to_principal', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('excess', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_reclaim_receipt_amount_positive')),
    sa.CheckConstraint('number > 0', name=op.f('ck_reclaim_receipt_number_positive')),
    sa.CheckConstraint('to_interest >= 0 AND to_principal >= 0 AND excess >= 0', name=op.f('ck_reclaim_receipt_parts_positive')),
    sa.CheckConstraint('ABS(to_interest + to_principal + excess - amount) < 0.005', name=op.f('ck_reclaim_receipt_parts_add_up')),
    sa.ForeignKeyConstraint(['reclaim_id'], ['reclaim.id'], name=op.f('fk_reclaim_receipt_reclaim_id_reclaim')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_reclaim_receipt_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reclaim_receipt')),
    sa.UniqueConstraint('reclaim_id', 'number', name=op.f('uq_reclaim_receipt_reclaim_id'))
    )
    with op.batch_alter_table('reclaim_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reclaim_receipt_reclaim_id'), ['reclaim_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reclaim_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reclaim_receipt_reclaim_id'))
    op.drop_table('reclaim_receipt')
    with op.batch_alter_table('reclaim', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reclaim_principal_received_within_amount'), type_='check')
        batch_op.drop_column('principal_received')
