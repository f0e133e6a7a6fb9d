"""Indexes of the inbox's per-state top-N: (workflow, state, due_at, updated_at, id) and by age.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 08:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX: no batch (table copy) is needed on SQLite for an index.
    op.create_index('ix_case_inbox_due', 'case', ['workflow', 'state', 'due_at', 'updated_at', 'id'], unique=False)
    op.create_index('ix_case_inbox_since', 'case', ['workflow', 'state', 'updated_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_case_inbox_since', table_name='case')
    op.drop_index('ix_case_inbox_due', table_name='case')
