"""Applicant accounts entitled to represent their city (§ 47 GemO RLP) and their function.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('may_represent', sa.Boolean(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('represents_as', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('represents_as')
        batch_op.drop_column('may_represent')
