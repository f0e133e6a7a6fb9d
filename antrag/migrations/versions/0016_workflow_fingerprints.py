"""Published workflow versions with their fingerprints; the fingerprint on every history entry.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa

from antrag.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'workflow_fingerprint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workflow', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('canonical', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('first_used_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_fingerprint')),
        sa.UniqueConstraint('workflow', 'version', name='uq_workflow_fingerprint_version'),
    )
    # A plain ADD COLUMN: the table keeps its append-only triggers.
    op.add_column(
        'history_entry', sa.Column('definition_fingerprint', sa.String(length=64), nullable=True)
    )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+), not a batch copy that would lose the triggers.
    op.execute('ALTER TABLE history_entry DROP COLUMN definition_fingerprint')
    op.drop_table('workflow_fingerprint')
