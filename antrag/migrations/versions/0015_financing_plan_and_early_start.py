"""Financing plan (third-party funds), early start, funding period starting with the notice.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('third_party_funds', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(
            sa.Column('early_start_requested', sa.Boolean(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('early_start_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('early_start_decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('early_start_approved', sa.Boolean(), nullable=True))
        batch_op.create_check_constraint(
            'third_party_positive', 'third_party_funds IS NULL OR third_party_funds >= 0'
        )
    # The funding period starts with the notice: a drafted notice has no start yet. Drafts
    # keep the start they have; issuing sets it anew (effect start_funding_period).
    with op.batch_alter_table('funding_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_funding_notice_period_ordered'), type_='check')
        batch_op.alter_column('period_start', existing_type=sa.Date(), nullable=True)
        batch_op.create_check_constraint(
            'period_ordered', 'period_start IS NULL OR period_end >= period_start'
        )


def downgrade():
    op.execute(
        "UPDATE funding_notice SET period_start = period_end WHERE period_start IS NULL"
    )
    with op.batch_alter_table('funding_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_funding_notice_period_ordered'), type_='check')
        batch_op.alter_column('period_start', existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint('period_ordered', 'period_end >= period_start')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_third_party_positive'), type_='check')
        batch_op.drop_column('early_start_approved')
        batch_op.drop_column('early_start_decided_on')
        batch_op.drop_column('early_start_reason')
        batch_op.drop_column('early_start_requested')
        batch_op.drop_column('third_party_funds')
